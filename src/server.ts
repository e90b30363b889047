import cluster from 'node:cluster';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AggregatorRegistry } from 'prom-client';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type ProxyConfig } from './config/env.js';
import { loadRouteMap, type RouteMap } from './routes/routeMap.js';
import { createLogger } from './http/log.js';
import { createStdoutSink, type FlushableLogSink } from './http/logSink.js';
import { startTracing } from './tracing/tracing.js';

const METRICS_REQUEST = 'proxy:metrics';

function fail(message: string): never {
  process.stderr.write(`clerk-camunda-proxy: ${message}\n`);
  process.exit(1);
}

/** Everything is validated before anything listens: misconfiguration is an exit, never a 500 per request. */
function loadOrExit(): { config: ProxyConfig; routeMap: RouteMap } {
  try {
    const config = loadConfig();
    return { config, routeMap: loadRouteMap(config.routesConfigPath) };
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

/**
 * Graceful drain. `server.close()` alone stops accepting but keeps serving keep-alive connections
 * until the limit resets them mid-request. Instead, on the signal:
 * - stop accepting new connections;
 * - close idle keep-alive connections at once;
 * - answer each in-flight request with `Connection: close`, and close its connection after it;
 * - only at DRAIN_TIMEOUT reset what is left, and log how many.
 */
function drainOnSignals(server: Server, drainTimeoutMs: number, onClosed: () => Promise<void>, log: (message: string, fields?: object) => void, sink: FlushableLogSink): void {
  const inFlight = new Set<ServerResponse>();
  let draining = false;

  /** After this answer the connection closes: said in the header while it can be, else by ending the socket. */
  const lastOnItsConnection = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
    const socket: Socket | null = res.socket;
    res.once('finish', () => socket?.end());
  };

  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    if (draining) lastOnItsConnection(res);
  });

  const drain = (signal: NodeJS.Signals) => {
    if (draining) return;
    draining = true;
    log(`${signal} received: draining in-flight requests`, { inFlight: inFlight.size, drainTimeoutMs });
    for (const res of inFlight) lastOnItsConnection(res);
    const forceExit = setTimeout(() => {
      log('drain timed out: resetting the connections left', { resetRequests: inFlight.size });
      server.closeAllConnections();
    }, drainTimeoutMs);
    forceExit.unref();
    server.close(() => {
      clearTimeout(forceExit);
      // onClosed sends the last spans, if tracing is on (bounded: see tracing/openTelemetry.ts).
      void onClosed().finally(() => {
        log('drained, exiting');
        sink.flushSync();
        process.exit(0);
      });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', drain);
  process.on('SIGINT', drain);
}

/** A worker asks the primary, which gathers every worker's registry (prom-client's aggregator). */
function clusterMetrics(): Promise<string> {
  return new Promise((resolve, reject) => {
    const id = `${process.pid}-${Math.random()}`;
    const onReply = (message: { type?: string; id?: string; metrics?: string; error?: string }) => {
      if (message?.type !== METRICS_REQUEST || message.id !== id) return;
      process.off('message', onReply);
      if (message.error) reject(new Error(message.error));
      else resolve(message.metrics ?? '');
    };
    process.on('message', onReply);
    process.send!({ type: METRICS_REQUEST, id });
  });
}

async function serve(config: ProxyConfig, routeMap: RouteMap): Promise<void> {
  const inCluster = cluster.isWorker;
  const sink = createStdoutSink();
  const log = createLogger(config.logLevel, sink);
  // Before the app exists: with tracing off this loads nothing, with it on the SDK is ready for the first request.
  const tracing = await startTracing(config.tracing, { engineUrl: config.engine.url, log });
  const { app, close, metrics } = createApp(config, routeMap, {
    log,
    tracing,
    accessLogSink: sink,
    ...(inCluster && { collectMetrics: clusterMetrics }),
  });
  if (inCluster) {
    // prom-client only answers the primary's metric requests once an aggregator exists in the worker.
    void new AggregatorRegistry();
    AggregatorRegistry.setRegistries([metrics.registry]);
  }
  const { drainTimeoutMs, requestTimeoutMs, headersTimeoutMs, maxConnections } = config.server;
  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: headersTimeoutMs,
      // Slightly above typical load-balancer idle timeouts, so the proxy is never the one to drop a reused socket.
      keepAliveTimeout: 65_000,
      // Node checks the two deadlines above on this interval (30 s by default, which would let a slow
      // client stay up to 30 s past them).
      connectionsCheckingInterval: 1_000,
    },
    app,
  );
  if (maxConnections !== undefined) server.maxConnections = maxConnections;
  server.on('error', (error) => fail(`cannot listen on ${config.host}:${config.port}: ${error.message}`));
  server.listen(config.port, config.host, () => {
    log.info('listening', { host: config.host, port: config.port, routes: routeMap.routes.length, pid: process.pid });
  });
  drainOnSignals(server, drainTimeoutMs, close, (message, fields) => log.info(message, { pid: process.pid, ...fields }), sink);
}

/** WEB_CONCURRENCY > 1: the primary only forks, restarts crashed workers and relays shutdown. */
function supervise(config: ProxyConfig): void {
  const log = createLogger(config.logLevel);
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  const fork = () => cluster.fork();

  for (let i = 0; i < config.workers; i += 1) fork();
  log.info('primary started', { workers: config.workers, pid: process.pid });

  cluster.on('message', (worker, message: { type?: string; id?: string }) => {
    if (message?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (metrics) => worker.send({ type: METRICS_REQUEST, id: message.id, metrics }),
      (error: Error) => worker.send({ type: METRICS_REQUEST, id: message.id, error: error.message }),
    );
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log.warn('worker died, starting another', { pid: worker.process.pid, code, signal });
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: draining workers`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

const { config, routeMap } = loadOrExit();
if (config.workers > 1 && cluster.isPrimary) supervise(config);
else serve(config, routeMap).catch((error: unknown) => fail(`cannot start: ${error instanceof Error ? error.message : String(error)}`));
