import { instanceVisibility } from '../boundary.js';
import type { Policy } from '../policy.js';
import { narrowList } from './narrowedList.js';

/**
 * Non-administrators see the instances they started (`initiator` equals their id); everyone only
 * within their organisation. A POST query, because GET's `variables=initiator_eq_user_2abc` splits
 * on every `_` of a Clerk id.
 */
export const instanceList: Policy = {
  note: 'non-administrators see the instances they started',
  async apply(context) {
    narrowList(context, '/process-instance', instanceVisibility(context.principal));
  },
};
