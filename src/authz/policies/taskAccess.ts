import type { Principal } from '../../auth/principal.js';
import { notFound } from '../../http/errors.js';
import type { EngineQueries, EngineTask } from '../engineQueries.js';

export interface TaskAccess {
  task: EngineTask;
  /** Assigned to the user themselves. */
  mine: boolean;
}

/**
 * A user reaches a task they are assigned to, or an unassigned task they are a candidate for
 * (as a user or through a group). Administrators reach every task. Everyone else gets the same
 * 404 as for a task that does not exist, so nobody learns about other people's work.
 */
export async function taskAccessFor(engine: EngineQueries, principal: Principal, taskId: string): Promise<TaskAccess> {
  const hidden = notFound(`task ${taskId} not found`);
  const task = await engine.task(taskId);
  if (!task) throw hidden;
  const mine = task.assignee === principal.id;
  if (mine || principal.isAdmin) return { task, mine };
  if (task.assignee) throw hidden;
  const links = await engine.candidateLinks(taskId);
  const candidate = links.some((link) => link.userId === principal.id || (link.groupId !== null && principal.groups.includes(link.groupId)));
  if (!candidate) throw hidden;
  return { task, mine };
}
