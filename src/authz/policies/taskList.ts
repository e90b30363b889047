import type { Principal } from '../../auth/principal.js';
import { mineOrCandidate } from '../engineQueries.js';
import type { Policy } from '../policy.js';
import { narrowList } from './narrowedList.js';

/** The engine criteria for the tasks a caller may list (and count): all, or mine-or-candidate. */
export const visibleTasks = (principal: Principal): Record<string, unknown> => (principal.isAdmin ? {} : { orQueries: [mineOrCandidate(principal)] });

/**
 * Non-administrators see the tasks assigned to them or that they are a candidate for: an
 * `orQueries` entry on POST /task, ANDed with the client's own filters, so `?assignee=someone-else`
 * finds nothing instead of someone else's tasks.
 */
export const taskList: Policy = {
  name: 'taskList',
  async apply(context) {
    narrowList(context, '/task', visibleTasks(context.principal));
  },
};
