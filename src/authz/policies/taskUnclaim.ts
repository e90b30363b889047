import { forbidden } from '../../http/errors.js';
import type { Policy } from '../policy.js';
import { taskAccessFor } from './taskAccess.js';

/** Unclaim only a task that is yours (administrators: any). */
export const taskUnclaim: Policy = {
  name: 'taskUnclaim',
  async apply({ engine, principal, params }) {
    const { mine } = await taskAccessFor(engine, principal, params.id!);
    if (!mine && !principal.isAdmin) throw forbidden('only the assignee can unclaim a task');
  },
};
