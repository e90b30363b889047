import type { Principal } from '../../auth/principal.js';
import { notFound } from '../../http/errors.js';
import { instanceVisibility, seesEverything, taskVisibility } from '../boundary.js';
import type { EngineQueries } from '../../engine/engineQueries.js';

/** Holds or is eligible for one of the instance's open tasks, within the caller's organisation. */
export async function involvedIn(engine: EngineQueries, principal: Principal, instanceId: string): Promise<boolean> {
  return (await engine.countTasks({ ...taskVisibility(principal), processInstanceId: instanceId })) > 0;
}

/**
 * Who may see an instance: its initiator, anyone holding or eligible for one of its tasks, and
 * administrators, all within the caller's organisation. Everyone else gets the 404 an unknown
 * instance gets. `ended`: an instance that has ended counts too (its history), for its initiator.
 */
export async function instanceAccessFor(engine: EngineQueries, principal: Principal, instanceId: string, options: { ended?: boolean } = {}): Promise<void> {
  if (seesEverything(principal)) return;
  const criteria = { ...instanceVisibility(principal), processInstanceIds: [instanceId] };
  const visible = await (options.ended ? engine.countHistoricInstances(criteria) : engine.countInstances(criteria));
  if (visible > 0) return;
  if (!principal.isAdmin && (await involvedIn(engine, principal, instanceId))) return;
  throw notFound(`process instance ${instanceId} not found`);
}
