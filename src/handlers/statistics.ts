import type { RequestHandler } from 'express';
import { createEngineQueries } from '../engine/engineQueries.js';
import { definitionQuery, instanceVisibility, taskVisibility } from '../authz/boundary.js';
import type { EngineConnection } from '../engine/engineConnection.js';
import { signedInUser } from '../auth/clerkSession.js';
import { contextOf } from '../http/requestContext.js';

export interface Statistics {
  totalProcesses: number;
  activeInstances: number;
  completedInstances: number;
  activeTasks: number;
}

/**
 * GET /api/statistics: four engine counts in parallel, each over what the caller may see, with the
 * same criteria as the instance and task lists (never global counts for non-administrators).
 * Process definitions are those the process list shows the caller: their organisation's and the shared ones.
 */
export function statistics(connection: EngineConnection): RequestHandler {
  return async (_req, res) => {
    contextOf(res).routeId = 'statistics.get';
    const principal = signedInUser(res);
    const engine = createEngineQueries(connection, contextOf(res), principal.engineIdentity);
    const instances = instanceVisibility(principal);
    const [totalProcesses, activeInstances, completedInstances, activeTasks] = await Promise.all([
      engine.countDefinitions(definitionQuery(principal, new URLSearchParams({ latestVersion: 'true' })).toString()),
      engine.countInstances({ ...instances, active: true }),
      engine.countHistoricInstances({ ...instances, completed: true }),
      engine.countTasks({ ...taskVisibility(principal), active: true }),
    ]);
    const answer: Statistics = { totalProcesses, activeInstances, completedInstances, activeTasks };
    res.json(answer);
  };
}
