import { badRequest } from '../../http/errors.js';
import type { Policy } from '../policy.js';
import { instanceAccessFor } from './instanceAccess.js';

/**
 * History of one instance (`?processInstanceId=`, required, once): whoever may see that instance,
 * and its initiator after it has ended.
 * The engine gets the query re-encoded from exactly what was checked, so a repeated or differently
 * encoded `processInstanceId` cannot widen it; every other client filter only narrows.
 */
export const instanceHistory: Policy = {
  note: '`processInstanceId` is required, once; whoever may see that instance (its initiator also after it ended); anyone else gets 404',
  async apply(context) {
    const { engine, principal } = context;
    const at = context.call.path.indexOf('?');
    const path = at === -1 ? context.call.path : context.call.path.slice(0, at);
    const query = new URLSearchParams(at === -1 ? '' : context.call.path.slice(at + 1));
    const ids = query.getAll('processInstanceId');
    if (ids.length !== 1 || !ids[0]) throw badRequest('query parameter processInstanceId is required, exactly once');
    await instanceAccessFor(engine, principal, ids[0], { ended: true });
    context.call = { ...context.call, path: `${path}?${query.toString()}` };
  },
};
