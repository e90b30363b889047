import { notFound } from '../../http/errors.js';
import { instanceVisibility, seesEverything, taskVisibility } from '../boundary.js';
import type { Policy } from '../policy.js';

/**
 * An instance and its variables: its initiator, anyone holding or eligible for one of its tasks,
 * and administrators, all within the caller's organisation. Everyone else gets the 404 an unknown
 * instance gets.
 */
export const instance: Policy = {
  name: 'instance',
  async apply({ engine, principal, params }) {
    if (seesEverything(principal)) return;
    const id = params.id!;
    if ((await engine.countInstances({ ...instanceVisibility(principal), processInstanceIds: [id] })) > 0) return;
    if (!principal.isAdmin && (await engine.countTasks({ ...taskVisibility(principal), processInstanceId: id })) > 0) return;
    throw notFound(`process instance ${id} not found`);
  },
};
