import type { RequestHandler } from 'express';
import type { Principal } from '../auth/principal.js';
import { createEngineQueries } from '../authz/engineQueries.js';
import { visibleInstances } from '../authz/policies/instanceList.js';
import { visibleTasks } from '../authz/policies/taskList.js';
import type { EngineConnection } from '../camunda/engineConnection.js';

export interface Statistics {
  totalProcesses: number;
  activeInstances: number;
  completedInstances: number;
  activeTasks: number;
}

/**
 * GET /api/statistics: four engine counts in parallel, each over what the caller may see, with the
 * same criteria as the instance and task lists (never global counts for non-administrators).
 * Process definitions are counted for everyone, as the process list shows them to everyone.
 */
export function statistics(connection: EngineConnection): RequestHandler {
  return async (_req, res) => {
    res.locals.routeId = 'statistics.get';
    const principal = res.locals.principal as Principal;
    const engine = createEngineQueries(connection, String(res.locals.requestId));
    const instances = visibleInstances(principal);
    const [totalProcesses, activeInstances, completedInstances, activeTasks] = await Promise.all([
      engine.countLatestProcessDefinitions(),
      engine.countInstances({ ...instances, active: true }),
      engine.countHistoricInstances({ ...instances, completed: true }),
      engine.countTasks({ ...visibleTasks(principal), active: true }),
    ]);
    const answer: Statistics = { totalProcesses, activeInstances, completedInstances, activeTasks };
    res.json(answer);
  };
}
