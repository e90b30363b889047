import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ProxyError, sendError } from './errors.js';
import { contextOf } from './requestContext.js';

/** The proxy's Prometheus metrics. Labels are route ids from the route map, never raw paths. */
export interface ProxyMetrics {
  readonly registry: Registry;
  readonly requestDuration: Histogram<'route' | 'method' | 'status'>;
  readonly engineDuration: Histogram<'route' | 'status'>;
  readonly authFailures: Counter<'reason'>;
  readonly inFlight: Gauge;
}

export function createMetrics(): ProxyMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requestDuration: new Histogram({
      name: 'proxy_http_request_duration_seconds',
      help: 'Time from request to response, by route id and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    engineDuration: new Histogram({
      name: 'proxy_engine_request_duration_seconds',
      help: 'Time the engine took to answer, by route id and engine status (error when it did not answer)',
      labelNames: ['route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    authFailures: new Counter({ name: 'proxy_auth_failures_total', help: 'Rejected authentications, by reason', labelNames: ['reason'], registers: [registry] }),
    inFlight: new Gauge({ name: 'proxy_http_requests_in_flight', help: 'Requests being served', registers: [registry] }),
  };
}

declare module './requestContext.js' {
  interface RequestContext {
    /** performance.now() when the request reached the proxy: for the request duration metric. */
    receivedAt?: number;
  }
}

/** Counts every request once it is answered (or abandoned). */
export function measureRequests(metrics: ProxyMetrics): RequestHandler {
  // One listener for every response (`this`), made once: no closure or timer object per request.
  function requestDone(this: Response) {
    const context = contextOf(this);
    metrics.inFlight.dec();
    metrics.requestDuration.observe(
      { route: context.routeId ?? 'unmatched', method: this.req.method, status: String(this.statusCode) },
      (performance.now() - context.receivedAt!) / 1000,
    );
  }
  return (_req, res, next) => {
    contextOf(res).receivedAt = performance.now();
    metrics.inFlight.inc();
    res.on('close', requestDone);
    next();
  };
}

function sameSecret(offered: string, expected: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GET /metrics. Open unless METRICS_TOKEN is set; then it needs `Authorization: Bearer <METRICS_TOKEN>`
 * (Prometheus' `authorization` scrape setting). `collect` lets a cluster worker answer for all workers.
 */
export function serveMetrics(metrics: ProxyMetrics, token: string | undefined, collect?: () => Promise<string>): RequestHandler {
  return async (req, res) => {
    contextOf(res).routeId = 'metrics';
    if (token) {
      const offered = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!sameSecret(offered, token)) {
        sendError(res, new ProxyError(401, 'unauthenticated', 'metrics need Authorization: Bearer <METRICS_TOKEN>'));
        return;
      }
    }
    res.type(metrics.registry.contentType).send(collect ? await collect() : await metrics.registry.metrics());
  };
}
