import { forbidden } from '../../http/errors.js';
import { seesEverything } from '../boundary.js';
import type { Policy } from '../policy.js';
import { taskAccessFor } from './taskAccess.js';

/** Unclaim only a task that is yours (administrators: any). */
export const taskUnclaim: Policy = {
  param: 'id',
  note: 'only the assignee or an administrator; anyone else gets 403',
  forbids: true,
  async apply({ engine, principal, params }) {
    if (seesEverything(principal)) return;
    const { mine } = await taskAccessFor(engine, principal, params.id!);
    if (!mine && !principal.isAdmin) throw forbidden('only the assignee can unclaim a task');
  },
};
