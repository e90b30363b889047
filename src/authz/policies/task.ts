import { seesEverything } from '../boundary.js';
import type { Policy } from '../policy.js';
import { taskAccessFor } from './taskAccess.js';

/** Read a task or its form: assignee, candidate or administrator, within the caller's organisation. */
export const task: Policy = {
  param: 'id',
  note: 'the assignee, a candidate of an unassigned task, or an administrator; anyone else gets 404, as for a task that does not exist',
  async apply({ engine, principal, params }) {
    if (seesEverything(principal)) return;
    await taskAccessFor(engine, principal, params.id!);
  },
};
