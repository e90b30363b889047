import type { Principal } from '../../auth/principal.js';
import { initiatedBy } from '../engineQueries.js';
import type { Policy } from '../policy.js';
import { narrowList } from './narrowedList.js';

/** The engine criteria for the instances a caller may list (and count): all, or those they started. */
export const visibleInstances = (principal: Principal): Record<string, unknown> => (principal.isAdmin ? {} : initiatedBy(principal));

/**
 * Non-administrators see the instances they started: `initiator` equals their id. A POST query,
 * because GET's `variables=initiator_eq_user_2abc` splits on every `_` of a Clerk id.
 */
export const instanceList: Policy = {
  name: 'instanceList',
  async apply(context) {
    narrowList(context, '/process-instance', visibleInstances(context.principal));
  },
};
