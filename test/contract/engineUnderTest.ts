/**
 * Runs before every test file of a contract project (jest.config.js: setupFiles): the project's
 * engine flavour becomes ENGINE_TEST_FLAVOUR, and that engine's URL (started by globalSetup.<flavour>.ts)
 * becomes ENGINE_TEST_URL, which the harness and every test read. Jest gives each test file its
 * own copy of process.env, so the two projects never see each other's engine.
 */
const flavour = (globalThis as { engineFlavour?: string }).engineFlavour;
if (flavour !== 'camunda' && flavour !== 'operaton') throw new Error(`contract project without globals.engineFlavour (${String(flavour)})`);
const url = process.env[`ENGINE_TEST_URL_${flavour.toUpperCase()}`];
if (!url) throw new Error(`ENGINE_TEST_URL_${flavour.toUpperCase()} is not set: the contract project's globalSetup starts the engine`);
process.env.ENGINE_TEST_FLAVOUR = flavour;
process.env.ENGINE_TEST_URL = url;
