import type { Principal } from '../../auth/principal.js';
import { notFound } from '../../http/errors.js';
import { initiatedBy, mineOrCandidate, type EngineQueries } from '../engineQueries.js';

/** Holds or is eligible for one of the instance's open tasks. */
export async function involvedIn(engine: EngineQueries, principal: Principal, instanceId: string): Promise<boolean> {
  return (await engine.countTasks({ processInstanceId: instanceId, orQueries: [mineOrCandidate(principal)] })) > 0;
}

/**
 * Who may see an instance: its initiator, anyone holding or eligible for one of its tasks, and
 * administrators. Everyone else gets the 404 an unknown instance gets. `ended`: an instance that has
 * ended counts too (its history), for its initiator.
 */
export async function instanceAccessFor(engine: EngineQueries, principal: Principal, instanceId: string, options: { ended?: boolean } = {}): Promise<void> {
  if (principal.isAdmin) return;
  const criteria = { processInstanceIds: [instanceId], ...initiatedBy(principal) };
  const initiated = await (options.ended ? engine.countHistoricInstances(criteria) : engine.countInstances(criteria));
  if (initiated > 0) return;
  if (await involvedIn(engine, principal, instanceId)) return;
  throw notFound(`process instance ${instanceId} not found`);
}
