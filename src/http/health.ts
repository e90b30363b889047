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

/** An engine probe as an endpoint: `answer` turns what the engine said into the status and body. */
function engineProbe(
  connection: EngineConnection,
  routeId: string,
  answer: (engine: EngineStatus) => { status: number; state: string },
): RequestHandler {
  const timeoutMs = Math.min(connection.timeoutMs, 2_000);
  return async (_req, res) => {
    res.locals.routeId = routeId;
    const engine = await probeEngine(connection, timeoutMs);
    const { status, state } = answer(engine);
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).json({ status: state, timestamp: new Date().toISOString(), engine });
  };
}

/**
 * Liveness: always 200 while the process serves. `status` says whether the engine answered.
 * Never includes ENGINE_URL or credentials.
 */
export const health = (connection: EngineConnection) =>
  engineProbe(connection, 'health', (engine) => ({ status: 200, state: engine.reachable ? 'healthy' : 'degraded' }));

/** Readiness: 503 while the engine is unreachable, so a load balancer stops sending traffic. */
export const readiness = (connection: EngineConnection) =>
  engineProbe(connection, 'ready', (engine) => (engine.reachable ? { status: 200, state: 'ready' } : { status: 503, state: 'unavailable' }));
