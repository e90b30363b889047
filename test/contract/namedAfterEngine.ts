import { engineUnderTest } from '../support/contractHarness.js';

// Runs around every contract test (jest.config.js: setupFilesAfterEnv): a test whose name does not
// begin with its engine (describe(onEngine('…')) at the top of the file) fails, so every failure says
// which engine it ran on.
beforeEach(() => {
  const name = expect.getState().currentTestName ?? '';
  if (!name.startsWith(`${engineUnderTest.label}: `)) {
    throw new Error(`the contract test "${name}" does not say which engine it runs on: put it inside describe(onEngine('…'))`);
  }
});
