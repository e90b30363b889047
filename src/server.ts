import type { Server } from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/env.js';
import { loadRouteMap } from './config/routeMap.js';

const DRAIN_TIMEOUT_MS = 10_000;

/** Stops accepting, lets in-flight requests finish (bounded), then exits 0. */
function drainOnSignals(server: Server, onClosed: () => void, log: (message: string) => void): void {
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
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', drain);
  process.on('SIGINT', drain);
}

function main(): void {
  let config;
  let routeMap;
  try {
    config = loadConfig();
    routeMap = loadRouteMap(config.routesConfigPath);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`clerk-camunda-proxy: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { app, log, close } = createApp(config, routeMap);
  const server = app.listen(config.port, config.host, () => {
    log.info('listening', { host: config.host, port: config.port, routes: routeMap.routes.length });
  });
  server.on('error', (error) => {
    process.stderr.write(`clerk-camunda-proxy: cannot listen on ${config.host}:${config.port}: ${error.message}\n`);
    process.exit(1);
  });
  // Slightly above typical load-balancer idle timeouts, so the proxy is never the one to drop a reused socket.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  drainOnSignals(server, close, (message) => log.info(message));
}

main();
