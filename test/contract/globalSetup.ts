import { freePort, startEngine } from '../../scripts/engine.js';

/**
 * Starts the real Camunda engine once for the whole contract suite, unless ENGINE_TEST_URL
 * points at one that is already running. Tests read the URL from ENGINE_TEST_URL.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.ENGINE_TEST_URL) return;
  const port = await freePort();
  const engine = await startEngine({ port });
  process.env.ENGINE_TEST_URL = engine.url;
  (globalThis as { __camundaEngine?: { stop(): Promise<void> } }).__camundaEngine = engine;
}
