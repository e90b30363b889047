/**
 * Bench entry for the real proxy: createApp() from src, wired like src/server.ts does for one
 * worker (same loadConfig, same stdout log sink, same keep-alive timeouts), listening on an
 * ephemeral port and reporting it over IPC.
 *
 * BENCH_AUTH=skip injects a no-op authenticator through createApp's `deps.authenticator`, so the
 * "auth skipped" variant exists only here: src/server.ts has no code path for it.
 * Every other setting comes from the environment through the production loadConfig().
 */
import type { AddressInfo } from 'node:net';
import { getHeapSpaceStatistics } from 'node:v8';
import { createApp, type AppDeps } from '../src/app.js';
import type { Authenticator } from '../src/auth/clerkSession.js';
import { principalFrom } from '../src/auth/principal.js';
import { loadConfig } from '../src/config/env.js';
import { loadRouteMap } from '../src/routes/routeMap.js';
import { createLogger } from '../src/http/log.js';
import { createStdoutSink } from '../src/http/logSink.js';
import { startTracing } from '../src/tracing/tracing.js';

const config = loadConfig(process.env);
const routeMap = loadRouteMap(config.routesConfigPath);

/** The principal Clerk would produce for the bench user; returned without looking at the header. */
function skippedAuthenticator(): Authenticator {
  const principal = principalFrom(
    {
      userId: 'user_2aliceTESTtestTESTtestTEST',
      sessionClaims: { sub: 'user_2aliceTESTtestTESTtestTEST', email: 'alice@example.test', name: 'Alice Anders', exp: 4_102_444_800 },
    },
    config.access,
  );
  return { authenticate: async () => principal };
}

// Logs through the same stdout sink as src/server.ts.
const sink = createStdoutSink();
const log = createLogger(config.logLevel, sink);
const tracing = await startTracing(config.tracing, { engineUrl: config.engine.url, log });
const deps: AppDeps = {
  log,
  tracing,
  accessLogSink: sink,
  ...(process.env.BENCH_AUTH === 'skip' && { authenticator: skippedAuthenticator() }),
};
const { app, close } = createApp(config, routeMap, deps);

const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});
// As src/server.ts sets them.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', (message: { type?: string; id?: number; gc?: boolean }) => {
  if (message?.type === 'memory') {
    // Two passes: the first may only schedule finalisers (WeakRefs, FinalizationRegistry).
    if (message.gc && gc) {
      gc();
      gc();
    }
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, { size: space.space_size, used: space.space_used_size }]));
    process.send?.({ type: 'memory', id: message.id, gcRan: Boolean(message.gc && gc), ...process.memoryUsage(), spaces });
  } else if (message?.type === 'stop') {
    // process.exit (not a signal) so that --cpu-prof writes its profile.
    server.closeAllConnections();
    const closed = close();
    server.close(() => {
      void closed.finally(() => {
        sink.flushSync();
        process.exit(0);
      });
    });
    setTimeout(() => process.exit(0), 2_000).unref();
  }
});
process.on('disconnect', () => process.exit(0));
