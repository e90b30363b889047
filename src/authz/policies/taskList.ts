import { mineOrCandidate } from '../engineQueries.js';
import { toEngineListQuery } from '../listFilter.js';
import type { Policy } from '../policy.js';

/**
 * Non-administrators see the tasks assigned to them or that they are a candidate for. The list
 * becomes Camunda's POST /task query with that as an `orQueries` entry, ANDed with the client's
 * own filters, so `?assignee=someone-else` finds nothing instead of someone else's tasks.
 */
export const taskList: Policy = {
  name: 'taskList',
  async apply(context) {
    if (context.principal.isAdmin) return;
    const { query, filter } = toEngineListQuery(context.rawQuery);
    context.call = {
      ...context.call,
      method: 'POST',
      path: `${context.basePath}/task${query}`,
      body: JSON.stringify({ ...filter, orQueries: [mineOrCandidate(context.principal)] }),
    };
  },
};
