/** @type {import('jest').Config} */
const typescript = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Tests read the client package's source, like `paths` in tsconfig.json.
    '^@clerk-camunda-proxy/client$': '<rootDir>/packages/client/src/index.ts',
    '^@clerk-camunda-proxy/client/contract$': '<rootDir>/packages/client/src/contract.ts',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testEnvironment: 'node',
};

export default {
  testTimeout: 20_000,
  testSequencer: '<rootDir>/test/support/engineOrderSequencer.js',
  projects: [
    { ...typescript, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...typescript, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
    contractProject('camunda', 'contract (camunda 7.24)'),
    contractProject('operaton', 'contract (operaton 1.0.3)'),
  ],
};

/**
 * The real-engine contract suite, once per engine: each project starts its own engine (globalSetup)
 * and its name is on every test file's result, so a failure says which engine it ran on.
 * The versions in the names are the ones scripts/engine.ts builds (a contract test checks them).
 */
function contractProject(engineFlavour, displayName) {
  return {
    ...typescript,
    displayName,
    globals: { engineFlavour },
    testMatch: ['<rootDir>/test/contract/**/*.test.ts'],
    setupFiles: ['<rootDir>/test/contract/engineUnderTest.ts'],
    setupFilesAfterEnv: ['<rootDir>/test/contract/namedAfterEngine.ts'],
    globalSetup: `<rootDir>/test/contract/globalSetup.${engineFlavour}.ts`,
    globalTeardown: '<rootDir>/test/contract/globalTeardown.ts',
  };
}
