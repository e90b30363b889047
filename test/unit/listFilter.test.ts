import { ownDefinitionsCache } from '../../src/authz/ownDefinitions.js';
import { principalFrom, type AccessRules } from '../../src/auth/principal.js';
import { toEngineListQuery } from '../../src/authz/listFilter.js';
import { instanceList } from '../../src/authz/policies/instanceList.js';
import { taskList } from '../../src/authz/policies/taskList.js';
import type { PolicyContext } from '../../src/authz/policy.js';
import type { EngineQueries } from '../../src/engine/engineQueries.js';

/**
 * A GET list becomes the engine's POST query so that the proxy can add its own criteria. The
 * table is the spec of how each client parameter travels; the policies below must never let a
 * client parameter widen what the proxy adds.
 */
describe('a GET list query as the engine POST query', () => {
  it.each([
    ['paging stays on the URL', 'firstResult=20&maxResults=10', '?firstResult=20&maxResults=10', {}],
    ['true and false are booleans', 'unassigned=true&active=false', '', { unassigned: true, active: false }],
    ['…In, …NotIn, …Ids and candidateGroups are lists, empty items dropped', 'processDefinitionKeyIn=a,b,&candidateGroups=x', '', { processDefinitionKeyIn: ['a', 'b'], candidateGroups: ['x'] }],
    ['priorities are numbers', 'minPriority=50&priority=7', '', { minPriority: 50, priority: 7 }],
    ['anything else is a string criterion', 'assignee=user_b&name=Approve', '', { assignee: 'user_b', name: 'Approve' }],
    ['sortBy and sortOrder become one sorting entry', 'sortBy=created&sortOrder=desc', '', { sorting: [{ sortBy: 'created', sortOrder: 'desc' }] }],
    ['a sortBy alone sorts ascending', 'sortBy=name', '', { sorting: [{ sortBy: 'name', sortOrder: 'asc' }] }],
    ['nothing is nothing', '', '', {}],
  ])('%s', (_what, rawQuery, query, filter) => {
    expect(toEngineListQuery(rawQuery)).toEqual({ query, filter });
  });

  it.each(['processVariables', 'taskVariables', 'caseInstanceVariables', 'variables', 'includeAssignedTasks', 'orQueries'])(
    '%s is refused with 400: it could not be ANDed with the proxy\'s own criteria',
    (name) => {
      expect(() => toEngineListQuery(`${name}=x`)).toThrow(expect.objectContaining({ status: 400, detail: `query parameter '${name}' is not supported on this list` }));
    },
  );
});

describe('the list policies: the client narrows, the proxy decides', () => {
  const access: AccessRules = { adminRoles: ['org:admin'], tenancy: true };
  const member = principalFrom({ userId: 'user_m', orgId: 'org_1', orgRole: 'org:member', sessionClaims: {} }, access);
  const noEngine = new Proxy({}, { get: () => () => Promise.reject(new Error('a list policy asks the engine nothing')) }) as EngineQueries;

  async function planned(policy: typeof taskList, path: string, rawQuery: string): Promise<{ method?: string; path: string; body: Record<string, unknown> }> {
    const context: PolicyContext = { principal: member, method: 'GET', params: {}, rawQuery, body: undefined, engine: noEngine, ownDefinitions: ownDefinitionsCache(0), basePath: '/engine-rest', call: { path: `/engine-rest${path}?${rawQuery}` }, facts: {} };
    await policy.apply(context, { processes: {} });
    return { method: context.call.method, path: context.call.path, body: JSON.parse(String(context.call.body)) as Record<string, unknown> };
  }

  it('tasks: one POST /task query, the client\'s filters ANDed at the top with the proxy\'s orQueries', async () => {
    const call = await planned(taskList, '/task', 'assignee=user_b&maxResults=5');
    expect(call.method).toBe('POST');
    expect(call.path).toBe('/engine-rest/task?maxResults=5');
    expect(call.body.assignee).toBe('user_b');
    expect(call.body.orQueries).toEqual([
      { assignee: 'user_m', candidateUser: 'user_m', candidateGroups: ['member'] },
      { processVariables: [{ name: 'initiatorOrgId', operator: 'eq', value: 'org_1' }], tenantIdIn: ['org_1'] },
    ]);
  });

  it('instances: only what the caller started, within the organisation, whatever the client asks', async () => {
    const call = await planned(instanceList, '/process-instance', 'processDefinitionKey=order&tenantIdIn=org_2');
    expect(call.path).toBe('/engine-rest/process-instance');
    expect(call.body).toEqual({
      processDefinitionKey: 'order',
      // The client's tenant filter stays an AND: with the proxy's org entry it can only find nothing.
      tenantIdIn: ['org_2'],
      variables: [{ name: 'initiator', operator: 'eq', value: 'user_m' }],
      orQueries: [{ variables: [{ name: 'initiatorOrgId', operator: 'eq', value: 'org_1' }], tenantIdIn: ['org_1'] }],
    });
  });
});
