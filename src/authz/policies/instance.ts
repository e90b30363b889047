import { instanceVisibility } from '../boundary.js';
import { instanceAccessFor, involvedIn } from './instanceAccess.js';
import { guardedResource } from './resourceRead.js';

/**
 * An instance and its variables: its initiator, anyone holding or eligible for one of its tasks,
 * and administrators, all within the caller's organisation. Everyone else gets the 404 an unknown
 * instance gets.
 *
 * The instance itself is one POST /process-instance query for "this instance, if the caller started
 * it (or administers its organisation)". An instance query cannot ask about the instance's tasks,
 * so only when that finds nothing does a task count decide the "holds or is eligible for one of its
 * tasks" rule, and a second instance query fetch it (the task's visibility already scopes it to the
 * caller's organisation).
 */
export const instance = guardedResource({
  resource: '/process-instance',
  note: 'the initiator, anyone holding or eligible for one of its tasks, or an administrator; anyone else gets 404',
  criteria: (principal, id) => ({ ...instanceVisibility(principal), processInstanceIds: [id] }),
  missing: (id) => `process instance ${id} not found`,
  fallback: async (engine, principal, id) => (!principal.isAdmin && (await involvedIn(engine, principal, id)) ? engine.findInstance(id, {}) : undefined),
  check: instanceAccessFor,
});
