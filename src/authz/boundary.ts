import type { Boundary, Principal } from '../auth/principal.js';

/**
 * "Assigned to me, or I am a candidate (as a user or through a group)". GET /task cannot say
 * this: candidateUser together with candidateGroups is a 500 there, so it is an `orQueries` entry
 * for POST /task. Candidate criteria leave out tasks already assigned to someone else.
 */
function mineOrCandidate(principal: Principal): Record<string, unknown> {
  return {
    assignee: principal.id,
    candidateUser: principal.id,
    ...(principal.groups.length > 0 && { candidateGroups: [...principal.groups] }),
  };
}

/**
 * The proxy-owned variable stamped on every start with the starter's active organisation. Shared
 * definitions (deployed without a tenant) cannot carry a tenant into their instances without an
 * engine plugin, so this stamp is how the proxy knows which organisation an instance belongs to
 * (INSTANCE_ORG=stamp). With the engine plugin's OrganisationTenants it becomes the instance's
 * tenant id at start (INSTANCE_ORG=tenant).
 */
export const ORG_STAMP = 'initiatorOrgId';

const stampIs = (orgId: string) => [{ name: ORG_STAMP, operator: 'eq', value: orgId }];

type OrgBoundary = Extract<Boundary, { kind: 'org' }>;

/**
 * One organisation's work, ANDed with the rest of a query. The engine answers the forms at very
 * different cost (bench/README.md, "Which question the engine answers fastest"): every `orQueries`
 * entry costs it 0.2 to 0.5 ms whatever it matches, a `processVariables` criterion 0.5 ms or more
 * (on PostgreSQL, ORed with the tenant, growing with the data), a `tenantIdIn` criterion nothing
 * measurable (an indexed column).
 * - INSTANCE_ORG=stamp: started by one of its members (the stamp), or running on one of its own
 *   tenant definitions (the engine records `tenantId` itself): an OR, so an `orQueries` entry.
 * - INSTANCE_ORG=tenant: the instance's tenant id alone, a top-level `tenantIdIn`. Every instance of
 *   the organisation carries it (definitions deployed per organisation; OrganisationTenants in the
 *   engine plugin for shared ones).
 * Task queries name the instance's variables `processVariables`, instance queries `variables`.
 */
function orgWork(boundary: OrgBoundary, variables: 'processVariables' | 'variables'): { orQueries?: Record<string, unknown>[]; tenantIdIn?: string[] } {
  if (boundary.instanceOrg === 'tenant') return { tenantIdIn: [boundary.orgId] };
  return { orQueries: [{ [variables]: stampIs(boundary.orgId), tenantIdIn: [boundary.orgId] }] };
}

/**
 * What a POST /task query needs so that it finds only the tasks the caller may see: their own or
 * those they are a candidate for (unless an administrator), and within their organisation. Each
 * `orQueries` entry is ANDed with the others and with the client's filters, so a `managers`
 * candidate task of one organisation never matches for the `managers` of another.
 */
export function taskVisibility(principal: Principal): Record<string, unknown> {
  const org = principal.boundary.kind === 'org' ? orgWork(principal.boundary, 'processVariables') : {};
  const orQueries = [...(principal.isAdmin ? [] : [mineOrCandidate(principal)]), ...(org.orQueries ?? [])];
  return { ...(orQueries.length > 0 && { orQueries }), ...(org.tenantIdIn && { tenantIdIn: org.tenantIdIn }) };
}

/** The same for POST /process-instance: what they started (unless an administrator), within their organisation. */
export function instanceVisibility(principal: Principal): Record<string, unknown> {
  return {
    ...(!principal.isAdmin && { variables: [{ name: 'initiator', operator: 'eq', value: principal.id }] }),
    ...(principal.boundary.kind === 'org' && orgWork(principal.boundary, 'variables')),
  };
}

/** Everything is visible: no criterion to add and nothing to check. */
export const seesEverything = (principal: Principal): boolean => principal.isAdmin && principal.boundary.kind === 'all';

// Definition list parameters a client could use to reach another organisation's definitions.
const tenantParameters = ['tenantIdIn', 'withoutTenantId', 'includeProcessDefinitionsWithoutTenantId'];

/**
 * The definitions a caller may see: their organisation's own and the shared ones (deployed without
 * a tenant); a personal session only the shared ones. The client's own tenant parameters are
 * dropped, so they can never widen the list.
 */
export function definitionQuery(principal: Principal, query: URLSearchParams): URLSearchParams {
  const { boundary } = principal;
  if (boundary.kind === 'all') return query;
  for (const name of tenantParameters) query.delete(name);
  if (boundary.kind === 'org') {
    query.set('tenantIdIn', boundary.orgId);
    query.set('includeProcessDefinitionsWithoutTenantId', 'true');
  } else {
    query.set('withoutTenantId', 'true');
  }
  return query;
}
