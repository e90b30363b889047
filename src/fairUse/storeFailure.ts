import { Counter, Gauge } from 'prom-client';
import type { RateLimitStoreConfig, RouteClass } from '../config/env.js';
import { ProxyError } from '../http/errors.js';
import type { CallerLimits, ClassLimits, FairUseDeps } from './callerLimits.js';
import { inProcessLimits } from './inProcessBuckets.js';
import { createSharedBuckets } from './sharedBuckets.js';

function storeMetrics(deps: FairUseDeps) {
  const registers = [deps.registry];
  const unavailable = new Counter({
    name: 'proxy_rate_limit_store_unavailable_total',
    help: "Rate-limited calls decided without the shared store: by this process's own buckets (in-process) or refused with 503 (refused)",
    labelNames: ['outcome'],
    registers,
  });
  return {
    // With WEB_CONCURRENCY, the lowest across workers: 0 as soon as one of them cannot reach the store.
    up: new Gauge({ name: 'proxy_rate_limit_store_up', help: '1 while the shared rate-limit store answers, else 0', aggregator: 'min', registers }),
    outages: new Counter({ name: 'proxy_rate_limit_store_outages_total', help: 'Times the shared rate-limit store stopped answering', registers }),
    decidedInProcess: unavailable.labels({ outcome: 'in-process' }),
    refused: unavailable.labels({ outcome: 'refused' }),
  };
}

/**
 * Buckets every replica shares (RATE_LIMIT_STORE), and what happens while the store does not answer
 * (RATE_LIMIT_STORE_FAILURE): `open` lets this process's own buckets decide, so the limit holds per
 * replica instead of across them; `closed` refuses the call with 503 and the engine is not called.
 * An outage is logged once when it starts and once when it ends, and counted; the connection
 * comes back by itself, without a restart.
 */
export function sharedLimits(store: RateLimitStoreConfig, limits: ClassLimits, deps: FairUseDeps): CallerLimits {
  const shared = createSharedBuckets(store, limits);
  const ownBuckets = inProcessLimits(limits);
  const metrics = storeMetrics(deps);
  const { client } = shared;
  let outageSince: number | undefined;
  let everConnected = false;
  let closing = false;

  const storeDown = (reason: string) => {
    if (outageSince !== undefined) return;
    outageSince = Date.now();
    metrics.up.set(0);
    metrics.outages.inc();
    const meanwhile = store.onFailure === 'open' ? "this process's own buckets decide until it answers again" : 'rate-limited calls are refused with 503 until it answers again';
    deps.log.warn(`rate-limit store unreachable: ${meanwhile}`, { store: store.description, reason });
  };
  const storeUp = () => {
    metrics.up.set(1);
    if (outageSince === undefined) return;
    deps.log.info('rate-limit store answers again: the shared buckets decide', { store: store.description, outageMs: Date.now() - outageSince });
    outageSince = undefined;
  };
  client.on('ready', () => {
    everConnected = true;
    storeUp();
  });
  // Without a listener ioredis would print every failed reconnect to the console.
  client.on('error', (error: Error) => storeDown(error.message));
  client.on('close', () => {
    if (everConnected && !closing) storeDown('connection closed');
  });

  const withoutStore = (routeClass: RouteClass, callerId: string): number => {
    if (store.onFailure === 'closed') {
      metrics.refused.inc();
      throw new ProxyError(503, 'rate_limit_unavailable', 'the shared rate-limit store does not answer; try again shortly');
    }
    metrics.decidedInProcess.inc();
    return ownBuckets.take(routeClass, callerId);
  };

  // The first calls of a new process wait for its first connection, RATE_LIMIT_STORE_TIMEOUT at most.
  let starting: Promise<void> | undefined = new Promise<void>((resolve) => {
    const started = () => {
      starting = undefined;
      clearTimeout(timer);
      client.off('ready', started).off('error', started);
      resolve();
    };
    const timer = setTimeout(started, store.timeoutMs).unref();
    client.once('ready', started).once('error', started);
  });

  const take = (routeClass: RouteClass, callerId: string): number | Promise<number> => {
    if (client.status !== 'ready') {
      if (starting) return starting.then(() => take(routeClass, callerId));
      // Reconnecting after an outage: decide at once, never wait.
      return withoutStore(routeClass, callerId);
    }
    return shared.take(routeClass, callerId).then(
      (waitMs) => {
        if (outageSince !== undefined) storeUp();
        return waitMs;
      },
      (error: Error) => {
        storeDown(error.message);
        return withoutStore(routeClass, callerId);
      },
    );
  };

  return {
    limited: ownBuckets.limited,
    take,
    close() {
      closing = true;
      client.disconnect();
      ownBuckets.close();
    },
  };
}
