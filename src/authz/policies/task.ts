import { seesEverything } from '../boundary.js';
import type { Policy } from '../policy.js';
import { taskAccessFor } from './taskAccess.js';

/** Read a task or its form: assignee, candidate or administrator, within the caller's organisation. */
export const task: Policy = {
  name: 'task',
  async apply({ engine, principal, params }) {
    if (seesEverything(principal)) return;
    await taskAccessFor(engine, principal, params.id!);
  },
};
