import { principalFrom, type AccessRules, type Principal } from '../../src/auth/principal.js';
import { definitionQuery, instanceVisibility, taskVisibility } from '../../src/authz/boundary.js';
import { bothApply } from '../../src/authz/policies/narrowedList.js';
import { parseRouteMap } from '../../src/routes/routeMap.js';
import { compilePassthrough, mayUse } from '../../src/passthrough/passthroughRules.js';
import { pinnedFetchAndLock } from '../../src/passthrough/tenantPin.js';

const on: AccessRules = { adminRoles: ['org:admin'], groupsClaim: 'groups', tenancy: true, platformAdmins: ['user_operator'] };
const off: AccessRules = { ...on, tenancy: false };
const tenant: AccessRules = { ...on, instanceOrg: 'tenant' };
const session = (userId: string, orgId?: string, orgRole?: string) => ({ userId, orgId, orgRole, sessionClaims: { groups: ['auditors'] } });

describe('who sees what: the principal', () => {
  it.each([
    ['an org admin, tenancy on', session('user_a', 'org_1', 'org:admin'), on, { kind: 'org', orgId: 'org_1', instanceOrg: 'stamp' }, true, ['admin', 'auditors']],
    ['an org member, tenancy on', session('user_m', 'org_1', 'org:member'), on, { kind: 'org', orgId: 'org_1', instanceOrg: 'stamp' }, false, ['member', 'auditors']],
    ['an org member, INSTANCE_ORG=tenant', session('user_m', 'org_1', 'org:member'), tenant, { kind: 'org', orgId: 'org_1', instanceOrg: 'tenant' }, false, ['member', 'auditors']],
    ['a personal session, tenancy on: no groups, no admin', session('user_p'), on, { kind: 'personal' }, false, []],
    ['a platform operator, whatever their org', session('user_operator', 'org_2', 'org:member'), on, { kind: 'all' }, true, ['member', 'auditors']],
    ['an org admin, tenancy off: everything', session('user_a', 'org_1', 'org:admin'), off, { kind: 'all' }, true, ['admin', 'auditors']],
    ['a personal session, tenancy off', session('user_p'), off, { kind: 'all' }, false, ['auditors']],
  ])('%s', (_who, auth, access, boundary, isAdmin, groups) => {
    const principal = principalFrom(auth, access);
    expect(principal.boundary).toEqual(boundary);
    expect(principal.isAdmin).toBe(isAdmin);
    expect(principal.groups).toEqual(groups);
  });
});

describe('the engine criteria of a boundary', () => {
  const stamp = (orgId: string) => [{ name: 'initiatorOrgId', operator: 'eq', value: orgId }];
  it('an org member: mine-or-candidate AND the org, as two orQueries entries', () => {
    const principal = principalFrom(session('user_m', 'org_1', 'org:managers'), on);
    expect(taskVisibility(principal)).toEqual({
      orQueries: [
        { assignee: 'user_m', candidateUser: 'user_m', candidateGroups: ['managers', 'auditors'] },
        { processVariables: stamp('org_1'), tenantIdIn: ['org_1'] },
      ],
    });
    expect(instanceVisibility(principal)).toEqual({
      variables: [{ name: 'initiator', operator: 'eq', value: 'user_m' }],
      orQueries: [{ variables: stamp('org_1'), tenantIdIn: ['org_1'] }],
    });
  });

  it('an org admin: the whole org, nothing else', () => {
    const principal = principalFrom(session('user_a', 'org_1', 'org:admin'), on);
    expect(taskVisibility(principal)).toEqual({ orQueries: [{ processVariables: stamp('org_1'), tenantIdIn: ['org_1'] }] });
    expect(instanceVisibility(principal)).toEqual({ orQueries: [{ variables: stamp('org_1'), tenantIdIn: ['org_1'] }] });
  });

  it('INSTANCE_ORG=tenant, a member: mine-or-candidate as the one orQueries entry, the org as a top-level tenantIdIn', () => {
    const principal = principalFrom(session('user_m', 'org_1', 'org:managers'), tenant);
    expect(taskVisibility(principal)).toEqual({
      orQueries: [{ assignee: 'user_m', candidateUser: 'user_m', candidateGroups: ['managers', 'auditors'] }],
      tenantIdIn: ['org_1'],
    });
    expect(instanceVisibility(principal)).toEqual({ variables: [{ name: 'initiator', operator: 'eq', value: 'user_m' }], tenantIdIn: ['org_1'] });
  });

  it('INSTANCE_ORG=tenant, an admin: the tenant alone, no orQueries at all', () => {
    const principal = principalFrom(session('user_a', 'org_1', 'org:admin'), tenant);
    expect(taskVisibility(principal)).toEqual({ tenantIdIn: ['org_1'] });
    expect(instanceVisibility(principal)).toEqual({ tenantIdIn: ['org_1'] });
  });

  it('INSTANCE_ORG changes nothing for a personal session or a platform operator', () => {
    for (const who of [session('user_p'), session('user_operator', 'org_2', 'org:member')]) {
      expect(taskVisibility(principalFrom(who, tenant))).toEqual(taskVisibility(principalFrom(who, on)));
      expect(instanceVisibility(principalFrom(who, tenant))).toEqual(instanceVisibility(principalFrom(who, on)));
    }
  });

  it("a list filter the proxy's criteria also set still applies: ANDed as an orQueries entry of its own", () => {
    const criteria = taskVisibility(principalFrom(session('user_m', 'org_1', 'org:member'), tenant));
    expect(bothApply({ tenantIdIn: ['org_2'], name: 'x' }, criteria)).toEqual({
      name: 'x',
      tenantIdIn: ['org_1'],
      orQueries: [{ assignee: 'user_m', candidateUser: 'user_m', candidateGroups: ['member', 'auditors'] }, { tenantIdIn: ['org_2'] }],
    });
    const admin = taskVisibility(principalFrom(session('user_a', 'org_1', 'org:admin'), tenant));
    expect(bothApply({ tenantIdIn: ['org_1', 'org_2'] }, admin)).toEqual({ tenantIdIn: ['org_1'], orQueries: [{ tenantIdIn: ['org_1', 'org_2'] }] });
    // withoutTenantId beside tenantIdIn is an engine error in one query; in its own entry it simply matches nothing.
    expect(bothApply({ withoutTenantId: true }, admin)).toEqual({ tenantIdIn: ['org_1'], orQueries: [{ withoutTenantId: true }] });
    // No clash: the filters and the criteria side by side, as before.
    expect(bothApply({ name: 'x' }, criteria)).toEqual({ name: 'x', ...criteria });
  });

  it('definitions: the client cannot widen the list with its own tenant parameters', () => {
    const member = principalFrom(session('user_m', 'org_1', 'org:member'), on);
    const query = definitionQuery(member, new URLSearchParams('latestVersion=true&tenantIdIn=org_2&withoutTenantId=false&includeProcessDefinitionsWithoutTenantId=false'));
    expect(Object.fromEntries(query)).toEqual({ latestVersion: 'true', tenantIdIn: 'org_1', includeProcessDefinitionsWithoutTenantId: 'true' });
    const personal = principalFrom(session('user_p'), on);
    expect(Object.fromEntries(definitionQuery(personal, new URLSearchParams('tenantIdIn=org_2')))).toEqual({ withoutTenantId: 'true' });
  });
});

describe('a fetchAndLock pinned to tenants', () => {
  it('forces every topic to the pin and drops withoutTenantId', () => {
    const body = { workerId: 'w', maxTasks: 5, topics: [{ topicName: 'a', lockDuration: 1000, tenantIdIn: ['org_other'], withoutTenantId: true }, { topicName: 'b', lockDuration: 1000 }] };
    expect(JSON.parse(pinnedFetchAndLock(body, ['org_1']))).toEqual({
      workerId: 'w',
      maxTasks: 5,
      topics: [
        { topicName: 'a', lockDuration: 1000, tenantIdIn: ['org_1'] },
        { topicName: 'b', lockDuration: 1000, tenantIdIn: ['org_1'] },
      ],
    });
  });

  it.each([[undefined], [[]], [{ topics: 'a' }], [{ topics: [null] }]])('refuses %j with 400', (body) => {
    expect(() => pinnedFetchAndLock(body, ['org_1'])).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('is only allowed on the external-task worker calls in the route map', () => {
    expect(() => parseRouteMap({ routes: [], passthrough: [{ method: 'GET', path: '/external-task', tenants: ['org_1'] }] })).toThrow(/only POST \/external-task\/fetchAndLock and POST \/external-task\/:id\//);
    expect(() => parseRouteMap({ routes: [], passthrough: [{ method: 'POST', path: '/process-instance/:id/variables', tenants: ['org_1'] }] })).toThrow(/has tenants/);
    expect(parseRouteMap({ routes: [], passthrough: [{ method: 'POST', path: '/external-task/fetchAndLock', tenants: ['org_1'] }] }).passthrough[0]!.tenants).toEqual(['org_1']);
    expect(parseRouteMap({ routes: [], passthrough: [{ method: 'POST', path: '/external-task/:id/unlock', tenants: ['org_1'] }] }).passthrough[0]!.tenants).toEqual(['org_1']);
  });
});

describe('passthrough rules for users under tenancy', () => {
  const [rule] = compilePassthrough(parseRouteMap({ routes: [], passthrough: [{ method: 'GET', path: '/history/**', allow: { roles: ['org:auditors'] } }] }).passthrough);
  const as = (principal: Principal) => mayUse(rule!, { kind: 'user', principal });

  it("an organisation's admin does not pass a rule that does not name their role: engine paths are not scoped", () => {
    expect(as(principalFrom(session('user_a', 'org_1', 'org:admin'), on))).toBe(false);
    expect(as(principalFrom(session('user_x', 'org_1', 'org:auditors'), on))).toBe(true);
  });

  it('a platform operator, or an admin with TENANCY=off, passes every rule', () => {
    expect(as(principalFrom(session('user_operator', 'org_1', 'org:member'), on))).toBe(true);
    expect(as(principalFrom(session('user_a', 'org_1', 'org:admin'), off))).toBe(true);
  });
});
