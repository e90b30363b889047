import type { RequestHandler } from 'express';
import { callEngine, type EngineConnection } from '../engine/engineConnection.js';
import { contextOf } from './requestContext.js';

export interface EngineStatus {
  reachable: boolean;
  version: string | null;
}

/** Asks the engine for its version; never throws. */
export async function probeEngine(connection: EngineConnection, timeoutMs: number): Promise<EngineStatus> {
  try {
    const answer = await callEngine(connection, 'GET', '/version', { timeoutMs });
    if (answer.status !== 200) return { reachable: false, version: null };
    const { version } = JSON.parse(answer.body) as { version?: unknown };
    return { reachable: true, version: typeof version === 'string' ? version : null };
  } catch {
    return { reachable: false, version: null };
  }
}

/** How long one engine probe answers for every /health and /ready call: a flood of them is one engine call a second. */
export const PROBE_CACHE_MS = 1_000;

export type EngineProbe = () => Promise<EngineStatus>;

/**
 * One probe at a time, its answer kept for `cacheMs`. These endpoints are open, so without this
 * every unauthenticated call would be an engine call.
 */
export function cachedEngineProbe(connection: EngineConnection, cacheMs = PROBE_CACHE_MS): EngineProbe {
  const timeoutMs = Math.min(connection.timeoutMs, 2_000);
  let latest: { answer: Promise<EngineStatus>; until: number } | undefined;
  return () => {
    const now = performance.now();
    if (latest && now < latest.until) return latest.answer;
    const answer = probeEngine(connection, timeoutMs);
    // Kept from the moment it was asked; a probe still running when that ends is shared, not repeated.
    latest = { answer, until: Number.POSITIVE_INFINITY };
    const entry = latest;
    void answer.then(() => {
      entry.until = performance.now() + cacheMs;
    });
    return answer;
  };
}

/**
 * Where a client reaches the engine through this proxy. The earlier proxy answered `engine_url` with
 * its ENGINE_URL, and its clients' health checks require the field; the engine's own address is
 * never told to anyone, so the field names the proxy's `/engine-rest` passthrough instead.
 */
export const ENGINE_URL_FOR_CLIENTS = '/engine-rest';

/** An engine probe as an endpoint: `answer` turns what the engine said into the status and body. */
function engineProbe(
  probe: EngineProbe,
  routeId: string,
  answer: (engine: EngineStatus) => { status: number; state: string },
): RequestHandler {
  return async (_req, res) => {
    contextOf(res).routeId = routeId;
    const engine = await probe();
    const { status, state } = answer(engine);
    res.setHeader('Cache-Control', 'no-store');
    // engine_url and engine_reachable: the fields the earlier proxy's health checks read.
    res.status(status).json({ status: state, timestamp: new Date().toISOString(), engine, engine_reachable: engine.reachable, engine_url: ENGINE_URL_FOR_CLIENTS });
  };
}

/**
 * Liveness: always 200 while the process serves. `status` says whether the engine answered.
 * Never includes ENGINE_URL or credentials.
 */
export const health = (probe: EngineProbe): RequestHandler =>
  engineProbe(probe, 'health', (engine) => ({ status: 200, state: engine.reachable ? 'healthy' : 'degraded' }));

/**
 * Readiness: 503 while the engine is unreachable, so a load balancer stops sending traffic; 503
 * `draining` from the moment the process was told to stop (see http/lameDuck.ts).
 */
export const readiness = (probe: EngineProbe, draining: () => boolean): RequestHandler =>
  engineProbe(probe, 'ready', (engine) => {
    if (draining()) return { status: 503, state: 'draining' };
    return engine.reachable ? { status: 200, state: 'ready' } : { status: 503, state: 'unavailable' };
  });
