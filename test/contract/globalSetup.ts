import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type EngineModule = typeof import('../../scripts/engine.js');

/**
 * Starts the real Camunda engine once for the whole contract suite, unless ENGINE_TEST_URL
 * points at one that is already running. Tests read the URL from ENGINE_TEST_URL.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.ENGINE_TEST_URL) return;
  // Jest resolves globalSetup's imports with Node's own loader (no moduleNameMapper), and Node 24
  // runs the .ts launcher directly by stripping its types.
  const { freePort, startEngine } = (await import(pathToFileURL(resolve('scripts/engine.ts')).href)) as EngineModule;
  const port = await freePort();
  const engine = await startEngine({ port });
  process.env.ENGINE_TEST_URL = engine.url;
  (globalThis as { __camundaEngine?: { stop(): Promise<void> } }).__camundaEngine = engine;
}
