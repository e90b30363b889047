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
  projects: [
    { ...typescript, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...typescript, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
    {
      ...typescript,
      displayName: 'contract',
      testMatch: ['<rootDir>/test/contract/**/*.test.ts'],
      globalSetup: '<rootDir>/test/contract/globalSetup.ts',
      globalTeardown: '<rootDir>/test/contract/globalTeardown.ts',
    },
  ],
};
