import type { Policy } from '../policy.js';
import { instanceAccessFor } from './instanceAccess.js';

/**
 * An instance and its variables: its initiator, anyone holding or eligible for one of its tasks,
 * and administrators, all within the caller's organisation. Everyone else gets the 404 an unknown
 * instance gets.
 */
export const instance: Policy = {
  param: 'id',
  note: 'the initiator, anyone holding or eligible for one of its tasks, or an administrator; anyone else gets 404',
  async apply({ engine, principal, params }) {
    await instanceAccessFor(engine, principal, params.id!);
  },
};
