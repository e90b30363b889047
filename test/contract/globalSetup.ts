import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type EngineModule = typeof import('../../scripts/engine.js');

/**
 * Starts the real Camunda engine once for the whole contract suite, unless ENGINE_TEST_URL
 * points at one that is already running. Tests read the URL from ENGINE_TEST_URL.
 *
 * The engine has the engine identity plugin on, with a secret made for this run
 * (ENGINE_TEST_IDENTITY_SECRET): every other test runs through it without the header, which is
 * BasicAuth exactly as before, and engineIdentity.test.ts signs with it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.ENGINE_TEST_URL) return;
  // Jest resolves globalSetup's imports with Node's own loader (no moduleNameMapper), and Node 24
  // runs the .ts launcher directly by stripping its types.
  const { freePort, startEngine } = (await import(pathToFileURL(resolve('scripts/engine.ts')).href)) as EngineModule;
  const port = await freePort();
  const identitySecret = randomBytes(32).toString('base64url');
  const engine = await startEngine({ port, identitySecret });
  process.env.ENGINE_TEST_URL = engine.url;
  process.env.ENGINE_TEST_IDENTITY_SECRET = identitySecret;
  (globalThis as { __camundaEngine?: { stop(): Promise<void> } }).__camundaEngine = engine;
}
