import { seesEverything } from '../boundary.js';
import { toEngineListQuery } from '../listFilter.js';
import type { PolicyContext } from '../policy.js';

/**
 * Turns a GET list into the engine's POST query at `resource` (e.g. `/task`), the client's own
 * filters ANDed with the proxy's `criteria`. Callers who see everything keep the plain GET.
 */
export function narrowList(context: PolicyContext, resource: string, criteria: Record<string, unknown>): void {
  if (seesEverything(context.principal)) return;
  const { query, filter } = toEngineListQuery(context.rawQuery);
  context.call = {
    ...context.call,
    method: 'POST',
    path: `${context.basePath}${resource}${query}`,
    body: JSON.stringify(bothApply(filter, criteria)),
  };
}

// Filters the engine refuses in one query beside a criterion (a 500 "cannot set both").
const excludedBy: Readonly<Record<string, readonly string[]>> = { tenantIdIn: ['withoutTenantId'] };

/**
 * The client's filters and the proxy's criteria in one query, both applying. A filter the criteria
 * also set (`tenantIdIn` with INSTANCE_ORG=tenant), or one the engine refuses beside it
 * (`withoutTenantId`), cannot sit in the same query object, and the proxy's must win; the client's
 * moves into an `orQueries` entry of its own, which the engine ANDs with the rest, so
 * `?tenantIdIn=another-org` or `?withoutTenantId=true` finds nothing rather than the caller's whole list.
 */
export function bothApply(filter: Record<string, unknown>, criteria: Record<string, unknown>): Record<string, unknown> {
  const taken = new Set(Object.keys(criteria).flatMap((own) => [own, ...(excludedBy[own] ?? [])]));
  const clash = Object.keys(filter).filter((name) => taken.has(name));
  if (clash.length === 0) return { ...filter, ...criteria };
  const rest = Object.fromEntries(Object.entries(filter).filter(([name]) => !clash.includes(name)));
  const own = Array.isArray(criteria.orQueries) ? (criteria.orQueries as unknown[]) : [];
  return { ...rest, ...criteria, orQueries: [...own, Object.fromEntries(clash.map((name) => [name, filter[name]]))] };
}
