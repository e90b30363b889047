import type { RequestHandler } from 'express';
import { callEngine, type EngineConnection } from '../camunda/engineConnection.js';

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

/**
 * Liveness: always 200 while the process serves. `status` says whether the engine answered.
 * Never includes ENGINE_URL or credentials.
 */
export function health(connection: EngineConnection): RequestHandler {
  const timeoutMs = Math.min(connection.timeoutMs, 2_000);
  return async (_req, res) => {
    res.locals.routeId = 'health';
    const engine = await probeEngine(connection, timeoutMs);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: engine.reachable ? 'healthy' : 'degraded', timestamp: new Date().toISOString(), engine });
  };
}

/** Readiness: 503 while the engine is unreachable, so a load balancer stops sending traffic. */
export function readiness(connection: EngineConnection): RequestHandler {
  const timeoutMs = Math.min(connection.timeoutMs, 2_000);
  return async (_req, res) => {
    res.locals.routeId = 'ready';
    const engine = await probeEngine(connection, timeoutMs);
    res.setHeader('Cache-Control', 'no-store');
    res.status(engine.reachable ? 200 : 503).json({ status: engine.reachable ? 'ready' : 'unavailable', timestamp: new Date().toISOString(), engine });
  };
}
