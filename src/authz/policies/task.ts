import type { Policy } from '../policy.js';
import { taskAccessFor } from './taskAccess.js';

/** Read a task or its form: assignee, candidate or administrator. */
export const task: Policy = {
  name: 'task',
  async apply({ engine, principal, params }) {
    await taskAccessFor(engine, principal, params.id!);
  },
};
