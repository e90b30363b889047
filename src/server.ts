import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { AggregatorRegistry } from 'prom-client';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type ProxyConfig } from './config/env.js';
import { loadRouteMap, type RouteMap } from './config/routeMap.js';
import { createLogger } from './http/log.js';
import { createStdoutSink, type FlushableLogSink } from './http/logSink.js';

const DRAIN_TIMEOUT_MS = 10_000;
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

/** Stops accepting, lets in-flight requests finish (bounded), then exits 0. */
function drainOnSignals(server: Server, onClosed: () => void, log: (message: string) => void, sink: FlushableLogSink): void {
  let draining = false;
  const drain = (signal: NodeJS.Signals) => {
    if (draining) return;
    draining = true;
    log(`${signal} received: draining in-flight requests`);
    const forceExit = setTimeout(() => {
      log('drain timed out: closing remaining connections');
      server.closeAllConnections();
    }, DRAIN_TIMEOUT_MS);
    forceExit.unref();
    server.close(() => {
      clearTimeout(forceExit);
      onClosed();
      log('drained, exiting');
      sink.flushSync();
      process.exit(0);
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

function serve(config: ProxyConfig, routeMap: RouteMap): void {
  const inCluster = cluster.isWorker;
  const sink = createStdoutSink();
  const { app, log, close, metrics } = createApp(config, routeMap, {
    log: createLogger(config.logLevel, sink),
    accessLogSink: sink,
    ...(inCluster && { collectMetrics: clusterMetrics }),
  });
  if (inCluster) {
    // prom-client only answers the primary's metric requests once an aggregator exists in the worker.
    void new AggregatorRegistry();
    AggregatorRegistry.setRegistries([metrics.registry]);
  }
  const server = app.listen(config.port, config.host, () => {
    log.info('listening', { host: config.host, port: config.port, routes: routeMap.routes.length, pid: process.pid });
  });
  server.on('error', (error) => fail(`cannot listen on ${config.host}:${config.port}: ${error.message}`));
  // Slightly above typical load-balancer idle timeouts, so the proxy is never the one to drop a reused socket.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  drainOnSignals(server, close, (message) => log.info(message, { pid: process.pid }), sink);
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
else serve(config, routeMap);
