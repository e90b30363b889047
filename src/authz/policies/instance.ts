import { notFound } from '../../http/errors.js';
import { mineOrCandidate } from '../engineQueries.js';
import type { Policy } from '../policy.js';

/**
 * An instance and its variables: its initiator, anyone holding or eligible for one of its tasks,
 * and administrators. Everyone else gets the 404 an unknown instance gets.
 */
export const instance: Policy = {
  name: 'instance',
  async apply({ engine, principal, params }) {
    if (principal.isAdmin) return;
    const id = params.id!;
    const initiated = await engine.countInstances({ processInstanceIds: [id], variables: [{ name: 'initiator', operator: 'eq', value: principal.id }] });
    if (initiated > 0) return;
    const involved = await engine.countTasks({ processInstanceId: id, orQueries: [mineOrCandidate(principal)] });
    if (involved > 0) return;
    throw notFound(`process instance ${id} not found`);
  },
};
