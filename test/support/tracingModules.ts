/**
 * Run in a child process by test/unit/tracing.test.ts (`node --import tsx`): builds the app the way
 * src/server.ts does, serves one proxied request, and prints as JSON which @opentelemetry packages
 * were loaded, with tracing off (`off`) and after tracing was then started (`on`).
 */
import { registerHooks } from 'node:module';
import type { AddressInfo } from 'node:net';

const loaded = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    loaded.add(resolved.url);
    return resolved;
  },
});
/** The @opentelemetry packages loaded so far, by name. */
const openTelemetryPackages = () => [...new Set([...loaded].flatMap((url) => /\/node_modules\/(@opentelemetry\/[^/]+)\//.exec(url)?.[1] ?? []))].sort();

const { createApp } = await import('../../src/app.js');
const { loadConfig } = await import('../../src/config/env.js');
const { createLogger } = await import('../../src/http/log.js');
const { loadRouteMap } = await import('../../src/routes/routeMap.js');
const { startTracing } = await import('../../src/tracing/tracing.js');
const { createSigningKey, mintSessionToken, testUsers } = await import('./clerkTokens.js');
const { startEngineStandIn } = await import('./engineStandIn.js');
const { baseEnv } = await import('./proxyEnv.js');

const key = createSigningKey('ins_modules');
const engine = await startEngineStandIn();
const env = baseEnv(key, engine.url);
const log = createLogger('silent');

const config = loadConfig(env);
const tracingOff = await startTracing(config.tracing, { engineUrl: config.engine.url, log });
const proxy = createApp(config, loadRouteMap(config.routesConfigPath), { log, tracing: tracingOff });
const server = proxy.app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/processes`, {
  headers: { authorization: `Bearer ${mintSessionToken(key, testUsers.alice)}`, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
});
const off = openTelemetryPackages();

// The same environment with an endpoint (port 9, discard: nothing is exported, nothing waits for it).
const on = loadConfig({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
const tracingOn = await startTracing(on.tracing, { engineUrl: on.engine.url, log });

process.stdout.write(
  `${JSON.stringify({ status: answer.status, tracingOff: tracingOff === undefined, off, on: openTelemetryPackages(), engineHeaders: engine.requests.map((r) => r.headers) })}\n`,
);
server.close();
await proxy.close();
await tracingOn?.shutdown();
await engine.stop();
