import type { Principal } from '../../auth/principal.js';
import { notFound } from '../../http/errors.js';
import { taskVisibility } from '../boundary.js';
import type { EngineQueries, EngineTask } from '../../engine/engineQueries.js';

export interface TaskAccess {
  task: EngineTask;
  /** Assigned to the user themselves. */
  mine: boolean;
}

/**
 * A user reaches a task they are assigned to, or an unassigned task they are a candidate for
 * (as a user or through a group), within their organisation. Administrators reach every task of
 * their organisation. One engine query answers "this task, if this caller may see it"; everyone
 * else gets the same 404 as for a task that does not exist, so nobody learns about other work.
 */
export async function taskAccessFor(engine: EngineQueries, principal: Principal, taskId: string): Promise<TaskAccess> {
  const task = await engine.findTask(taskId, taskVisibility(principal));
  if (!task) throw notFound(`task ${taskId} not found`);
  return { task, mine: task.assignee === principal.id };
}
