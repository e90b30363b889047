import type { RunningEngines } from './contractEngine.js';

// Jest runs this once for both contract projects: it stops every engine their global setups started.
export default async function globalTeardown(): Promise<void> {
  const running = (globalThis as { __contractEngines?: RunningEngines }).__contractEngines ?? {};
  await Promise.all(Object.values(running).map((engine) => engine.stop()));
}
