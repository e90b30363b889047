import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type EngineModule = typeof import('../../scripts/engine.js');
type EngineFlavour = import('../../scripts/engine.js').EngineFlavour;
export type RunningEngines = Partial<Record<EngineFlavour, { stop(): Promise<void> }>>;

/**
 * Starts the real engine of one contract project once for its whole suite, unless
 * ENGINE_TEST_URL_CAMUNDA / ENGINE_TEST_URL_OPERATON points at one that is already running.
 * test/contract/engineUnderTest.ts hands each test file its engine's URL; globalTeardown.ts stops it.
 */
export async function startContractEngine(flavour: EngineFlavour): Promise<void> {
  const urlVariable = `ENGINE_TEST_URL_${flavour.toUpperCase()}`;
  if (process.env[urlVariable]) return;
  // Jest resolves global setup's imports with Node's own loader (no moduleNameMapper), and Node 24
  // runs the .ts launcher directly by stripping its types.
  const { freePort, startEngine } = (await import(pathToFileURL(resolve('scripts/engine.ts')).href)) as EngineModule;
  // Each engine runs with its build of the engine identity plugin on, with a secret made for this
  // run (ENGINE_TEST_IDENTITY_SECRET_CAMUNDA / _OPERATON: both projects' global setups run in one
  // process): every other test calls it without the header, which is BasicAuth exactly as before,
  // and engineIdentity.test.ts signs with its own engine's secret.
  const identitySecret = randomBytes(32).toString('base64url');
  const engine = await startEngine({ flavour, port: await freePort(), identitySecret });
  process.env[urlVariable] = engine.url;
  process.env[`ENGINE_TEST_IDENTITY_SECRET_${flavour.toUpperCase()}`] = identitySecret;
  const running = ((globalThis as { __contractEngines?: RunningEngines }).__contractEngines ??= {});
  running[flavour] = engine;
}
