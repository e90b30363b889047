import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import { AggregatorRegistry } from 'prom-client';
import { createApp, type ProxyApp } from './app.js';
import { ConfigError, loadConfig, type ProxyConfig } from './config/env.js';
import { loadRouteMap, type RouteMap } from './routes/routeMap.js';
import { DRAIN_QUIET_MS, lameDuck, type LameDuckOptions } from './http/lameDuck.js';
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

/** On SIGTERM or SIGINT: fail readiness, drain (http/lameDuck.ts), release the engine sockets, exit 0. */
function drainOnSignals(server: Server, proxy: ProxyApp, options: LameDuckOptions, sink: FlushableLogSink): void {
  const log = (message: string, fields?: object) => proxy.log.info(message, { pid: process.pid, ...fields });
  const duck = lameDuck(server, options);
  let draining = false;
  const drain = (signal: NodeJS.Signals) => {
    if (draining) return;
    draining = true;
    proxy.startDraining();
    log(`${signal} received: draining in-flight requests`, { drainDelayMs: options.delayMs, drainTimeoutMs: options.timeoutMs });
    void duck.drain().then(async ({ resetRequests }) => {
      if (resetRequests > 0) log('drain timed out: reset the requests left', { resetRequests });
      await proxy.close();
      log('drained, exiting');
      sink.flushSync();
      process.exit(0);
    });
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
  const proxy = createApp(config, routeMap, {
    log,
    tracing,
    accessLogSink: sink,
    ...(inCluster && { collectMetrics: clusterMetrics }),
  });
  const { app, metrics } = proxy;
  if (inCluster) {
    // prom-client only answers the primary's metric requests once an aggregator exists in the worker.
    void new AggregatorRegistry();
    AggregatorRegistry.setRegistries([metrics.registry]);
  }
  const { drainDelayMs, drainTimeoutMs, requestTimeoutMs, headersTimeoutMs, maxConnections } = config.server;
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
  drainOnSignals(server, proxy, { delayMs: drainDelayMs, timeoutMs: drainTimeoutMs, quietMs: Math.min(DRAIN_QUIET_MS, drainTimeoutMs) }, sink);
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
