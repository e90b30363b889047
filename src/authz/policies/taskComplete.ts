import type { Policy } from '../policy.js';
import { taskAccessFor } from './taskAccess.js';

/**
 * Complete a task: the assignee, or a candidate of an unassigned task, who then claims it first,
 * so the engine records who held it. (The engine itself would let anyone complete anything: every
 * call reaches it as the service user.)
 */
export const taskComplete: Policy = {
  param: 'id',
  note: 'as `task`; a candidate completing an unassigned task claims it first, so the history records who held it',
  async apply({ engine, principal, params, facts }) {
    const { task } = await taskAccessFor(engine, principal, params.id!);
    facts.processInstanceId = task.processInstanceId;
    if (!task.assignee) await engine.claim(task.id, principal.id);
  },
};
