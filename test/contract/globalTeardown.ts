export default async function globalTeardown(): Promise<void> {
  const engine = (globalThis as { __camundaEngine?: { stop(): Promise<void> } }).__camundaEngine;
  await engine?.stop();
}
