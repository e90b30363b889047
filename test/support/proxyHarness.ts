import type { Express } from 'express';
import { createApp, type AppDeps, type ProxyApp } from '../../src/app.js';
import { loadConfig, type ProxyConfig } from '../../src/config/env.js';
import { loadRouteMap, type RouteMap } from '../../src/routes/routeMap.js';
import { createSigningKey, mintSessionToken, testUsers, type SessionTokenOptions, type SessionUser, type SigningKey } from './clerkTokens.js';
import { startEngineStandIn, type EngineStandIn } from './engineStandIn.js';
import { baseEnv } from './proxyEnv.js';
import { createLogger } from '../../src/http/log.js';
import { startTracing } from '../../src/tracing/tracing.js';

export { baseEnv } from './proxyEnv.js';

/** One key for the whole test process: RSA key generation is the slow part of a test file. */
let sharedKey: SigningKey | undefined;
export function testSigningKey(): SigningKey {
  sharedKey ??= createSigningKey('ins_test_shared');
  return sharedKey;
}

export interface ProxyHarness {
  app: Express;
  proxy: ProxyApp;
  config: ProxyConfig;
  engine: EngineStandIn;
  key: SigningKey;
  /** A valid session token for the user (alice by default). */
  tokenFor(user?: SessionUser, options?: SessionTokenOptions): string;
  bearer(user?: SessionUser, options?: SessionTokenOptions): string;
  close(): Promise<void>;
}

/** The real app, real Clerk verification, and the engine stand-in, wired like server.ts does. */
export async function startProxyHarness(
  env: NodeJS.ProcessEnv = {},
  options: { deps?: AppDeps; routeMap?: RouteMap; engine?: EngineStandIn } = {},
): Promise<ProxyHarness> {
  const key = testSigningKey();
  const engine = options.engine ?? (await startEngineStandIn());
  const config = loadConfig({ ...baseEnv(key, engine.url), ...env });
  const routeMap = options.routeMap ?? loadRouteMap(config.routesConfigPath);
  // As server.ts does: tracing, when the environment turns it on, starts before the app.
  const tracing = await startTracing(config.tracing, { engineUrl: config.engine.url, log: options.deps?.log ?? createLogger('silent') });
  const proxy = createApp(config, routeMap, { ...(tracing && { tracing }), ...options.deps });
  const tokenFor = (user: SessionUser = testUsers.alice, tokenOptions?: SessionTokenOptions) => mintSessionToken(key, user, tokenOptions);
  return {
    app: proxy.app,
    proxy,
    config,
    engine,
    key,
    tokenFor,
    bearer: (user, tokenOptions) => `Bearer ${tokenFor(user, tokenOptions)}`,
    async close() {
      await proxy.close();
      if (!options.engine) await engine.stop();
    },
  };
}
