import type { Policy } from '../policy.js';
import { taskAccessFor } from './taskAccess.js';

/**
 * Complete a task: the assignee, or a candidate of an unassigned task. (The engine itself would let
 * anyone complete anything: every call reaches it as the service user.) The check and the
 * completion are the only two engine calls; who completed it is recorded by the `completedBy*`
 * variables the completeTask intercept stamps, since the engine's history sees only the service user.
 */
export const taskComplete: Policy = {
  param: 'id',
  note: 'as `task`: the assignee, or a candidate of an unassigned task; `completedBy*` records who completed it',
  async apply({ engine, principal, params, facts }) {
    const { task } = await taskAccessFor(engine, principal, params.id!);
    facts.processInstanceId = task.processInstanceId;
  },
};
