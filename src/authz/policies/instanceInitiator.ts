import { forbidden, notFound } from '../../http/errors.js';
import { instanceVisibility } from '../boundary.js';
import type { Policy } from '../policy.js';
import { involvedIn } from './instanceAccess.js';

/**
 * Change a running instance (suspend, activate, delete): its initiator or an administrator, within
 * the caller's organisation. One count query decides; the engine itself would answer 204 for
 * suspending an unknown or ended instance, so the check is also the existence check. Someone who
 * may see the instance but did not start it gets 403; anyone else the 404 an unknown instance gets.
 */
export const instanceInitiator: Policy = {
  param: 'id',
  note: 'the initiator or an administrator; someone who may see the instance but did not start it gets 403, anyone else 404',
  forbids: true,
  async apply({ engine, principal, params }) {
    const id = params.id!;
    const found = await engine.countInstances({ ...instanceVisibility(principal), processInstanceIds: [id] });
    if (found > 0) return;
    if (!principal.isAdmin && (await involvedIn(engine, principal, id))) {
      throw forbidden(`only the initiator of process instance ${id} or an administrator may change it`);
    }
    throw notFound(`process instance ${id} not found`);
  },
};
