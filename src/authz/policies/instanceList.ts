import { toEngineListQuery } from '../listFilter.js';
import type { Policy } from '../policy.js';

/**
 * Non-administrators see the instances they started: `initiator` equals their id. A POST query,
 * because GET's `variables=initiator_eq_user_2abc` splits on every `_` of a Clerk id.
 */
export const instanceList: Policy = {
  name: 'instanceList',
  async apply(context) {
    if (context.principal.isAdmin) return;
    const { query, filter } = toEngineListQuery(context.rawQuery);
    context.call = {
      ...context.call,
      method: 'POST',
      path: `${context.basePath}/process-instance${query}`,
      body: JSON.stringify({ ...filter, variables: [{ name: 'initiator', operator: 'eq', value: context.principal.id }] }),
    };
  },
};
