import request from 'supertest';
import { loadRouteMap } from '../../src/routes/routeMap.js';
import { testUsers } from '../support/clerkTokens.js';
import type { RecordedRequest } from '../support/engineStandIn.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

/**
 * Engine round trips per user action, for a non-administrator in an organisation. Each engine call
 * costs milliseconds against the proxy's fraction of one, so these budgets are the user's wait:
 * reading one task or one's own instance is one call, a form or variables read at most two (access
 * and read), a filtered list one, an action at most two (check and act).
 */
const alice = testUsers.alice;
const TASK = 'task-1';
const INSTANCE = 'instance-1';

const aliceTask = { id: TASK, name: 'Approve order', assignee: alice.id, processInstanceId: INSTANCE, tenantId: null };
const openTask = { ...aliceTask, assignee: null };
const aliceInstance = { links: [], id: INSTANCE, definitionId: 'order:1:x', businessKey: null, caseInstanceId: null, ended: false, suspended: false, tenantId: null, definitionKey: 'order' };

const startedBy = (json: unknown, userId: string) =>
  JSON.stringify((json as { variables?: unknown }).variables ?? []).includes(JSON.stringify({ name: 'initiator', operator: 'eq', value: userId }));

type World = 'assignee' | 'candidate' | 'involved';

/**
 * What the engine knows: a task of alice's (assigned to her, or open with her as a candidate) in an
 * instance she started, or (`involved`) an instance someone else started in which she holds a task.
 */
function engineKnows(h: ProxyHarness, world: World): void {
  const { engine } = h;
  const task = world === 'candidate' ? openTask : aliceTask;
  const started = world !== 'involved';
  engine.answer('POST', '/engine-rest/task', { status: 200, body: [task] });
  engine.answer('POST', '/engine-rest/task/count', { status: 200, body: { count: 1 } });
  engine.answer('POST', '/engine-rest/process-instance', (asked: RecordedRequest) => ({
    status: 200,
    body: started || !startedBy(asked.json, alice.id) ? [aliceInstance] : [],
  }));
  engine.answer('POST', '/engine-rest/process-instance/count', (asked: RecordedRequest) => ({
    status: 200,
    body: { count: started || !startedBy(asked.json, alice.id) ? 1 : 0 },
  }));
  engine.answer('POST', '/engine-rest/history/process-instance/count', { status: 200, body: { count: started ? 1 : 0 } });
  engine.answer('GET', '/engine-rest/process-definition/count', { status: 200, body: { count: 1 } });
  engine.answer('GET', /^\/engine-rest\/(task|process-instance)\/[^/]+(\/.*)?$/, { status: 200, body: {} });
}

interface Case {
  route: string;
  world: World;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: object;
  calls: number;
  status: number;
}

const cases: Case[] = [
  // Reading one task or one's own instance: one call.
  { route: 'tasks.get', world: 'assignee', method: 'GET', path: `/api/tasks/${TASK}`, calls: 1, status: 200 },
  { route: 'tasks.get', world: 'candidate', method: 'GET', path: `/api/tasks/${TASK}`, calls: 1, status: 200 },
  { route: 'instances.get', world: 'assignee', method: 'GET', path: `/api/instances/${INSTANCE}`, calls: 1, status: 200 },
  // An instance query cannot ask about tasks: someone else's instance, seen through one's task, takes
  // the instance query, the task count and the instance itself.
  { route: 'instances.get', world: 'involved', method: 'GET', path: `/api/instances/${INSTANCE}`, calls: 3, status: 200 },
  // A form or variables read: access, then the read.
  { route: 'tasks.form', world: 'candidate', method: 'GET', path: `/api/tasks/${TASK}/form`, calls: 2, status: 200 },
  { route: 'instances.variables', world: 'assignee', method: 'GET', path: `/api/instances/${INSTANCE}/variables`, calls: 2, status: 200 },
  { route: 'instances.activities', world: 'assignee', method: 'GET', path: `/api/instances/${INSTANCE}/activity-instances`, calls: 2, status: 200 },
  { route: 'history.activities', world: 'assignee', method: 'GET', path: `/api/history/activity-instances?processInstanceId=${INSTANCE}`, calls: 2, status: 200 },
  { route: 'processes.get', world: 'assignee', method: 'GET', path: '/api/processes/order', calls: 2, status: 200 },
  { route: 'processes.form', world: 'assignee', method: 'GET', path: '/api/processes/order/form', calls: 2, status: 200 },
  { route: 'processes.xml', world: 'assignee', method: 'GET', path: '/api/processes/order/xml', calls: 2, status: 200 },
  // A filtered list: one call.
  { route: 'processes.list', world: 'assignee', method: 'GET', path: '/api/processes', calls: 1, status: 200 },
  { route: 'tasks.list', world: 'assignee', method: 'GET', path: '/api/tasks?sortBy=created&sortOrder=desc', calls: 1, status: 200 },
  { route: 'instances.list', world: 'assignee', method: 'GET', path: '/api/instances?processDefinitionKey=order', calls: 1, status: 200 },
  // An action: check, then act.
  { route: 'process.start', world: 'assignee', method: 'POST', path: '/api/processes/order/start', body: { variables: {} }, calls: 2, status: 201 },
  { route: 'task.complete', world: 'assignee', method: 'POST', path: `/api/tasks/${TASK}/complete`, body: {}, calls: 2, status: 200 },
  // A candidate's completion too: the check finds the task open to them, and completedBy* records who.
  { route: 'task.complete', world: 'candidate', method: 'POST', path: `/api/tasks/${TASK}/complete`, body: {}, calls: 2, status: 200 },
  { route: 'task.claim', world: 'candidate', method: 'POST', path: `/api/tasks/${TASK}/claim`, body: {}, calls: 2, status: 200 },
  { route: 'task.unclaim', world: 'assignee', method: 'POST', path: `/api/tasks/${TASK}/unclaim`, calls: 2, status: 200 },
  { route: 'instance.suspend', world: 'assignee', method: 'POST', path: `/api/instances/${INSTANCE}/suspend`, body: {}, calls: 2, status: 200 },
  { route: 'instance.activate', world: 'assignee', method: 'POST', path: `/api/instances/${INSTANCE}/activate`, body: {}, calls: 2, status: 200 },
  { route: 'instance.delete', world: 'assignee', method: 'DELETE', path: `/api/instances/${INSTANCE}`, calls: 2, status: 200 },
  // The proxy's own composite answer: four counts, sent at once.
  { route: 'statistics.get', world: 'assignee', method: 'GET', path: '/api/statistics', calls: 4, status: 200 },
  { route: 'user.get', world: 'assignee', method: 'GET', path: '/api/user', calls: 0, status: 200 },
];

let h: ProxyHarness;
beforeAll(async () => {
  // Each row is the cost on a cold proxy: the by-key routes' one kept answer (whether the
  // organisation has its own definition) is asked every time here; ownDefinitions.test.ts shows
  // the warm cost, one call less.
  h = await startProxyHarness({ DEFINITION_CACHE_TTL: '0' });
});
afterAll(() => h.close());
beforeEach(() => h.engine.reset());

describe('engine calls per user action, for an organisation member', () => {
  it.each(cases)('$route as $world: $calls engine call(s)', async ({ world, method, path, body, calls, status }) => {
    engineKnows(h, world);
    const call = request(h.app)[method === 'GET' ? 'get' : method === 'POST' ? 'post' : 'delete'](path).set('Authorization', h.bearer(alice));
    const res = body === undefined ? await call : await call.send(body);
    expect(res.status).toBe(status);
    expect(h.engine.requests.map((seen) => `${seen.method} ${seen.url.split('?')[0]}`)).toHaveLength(calls);
  });

  it('every route of the route map has a budget here', () => {
    const budgeted = new Set(cases.map((c) => c.route));
    const routes = loadRouteMap(h.config.routesConfigPath).routes.map((route) => route.id);
    expect(routes.filter((id) => !budgeted.has(id))).toEqual([]);
  });
});

describe('reading one task or instance is the engine query for it, if the caller may see it', () => {
  it('a task: one POST /task query with the caller\'s visibility, answered with the task itself', async () => {
    engineKnows(h, 'candidate');
    const res = await request(h.app).get(`/api/tasks/${TASK}`).set('Authorization', h.bearer(alice)).expect(200);
    expect(res.body).toEqual(openTask);
    const [query] = h.engine.requests;
    expect(query!.method).toBe('POST');
    expect(query!.url).toBe('/engine-rest/task');
    expect(query!.json).toMatchObject({ taskId: TASK, orQueries: [expect.objectContaining({ assignee: alice.id, candidateUser: alice.id }), expect.anything()] });
  });

  it('a task the query does not find is the 404 of an unknown task, after that one call', async () => {
    h.engine.answer('POST', '/engine-rest/task', { status: 200, body: [] });
    const res = await request(h.app).get(`/api/tasks/${TASK}`).set('Authorization', h.bearer(alice)).expect(404);
    expect(res.body).toMatchObject({ error: 'not_found', detail: `task ${TASK} not found` });
    expect(h.engine.requests).toHaveLength(1);
  });

  it('an instance: one POST /process-instance query for the instance, if the caller started it', async () => {
    engineKnows(h, 'assignee');
    const res = await request(h.app).get(`/api/instances/${INSTANCE}`).set('Authorization', h.bearer(alice)).expect(200);
    expect(res.body).toEqual(aliceInstance);
    expect(h.engine.requests).toHaveLength(1);
    expect(h.engine.requests[0]!.json).toMatchObject({ processInstanceIds: [INSTANCE], variables: [{ name: 'initiator', operator: 'eq', value: alice.id }] });
  });

  it('an instance neither started nor held through a task is a 404 after the query and the task count', async () => {
    h.engine.answer('POST', '/engine-rest/process-instance', { status: 200, body: [] });
    h.engine.answer('POST', '/engine-rest/task/count', { status: 200, body: { count: 0 } });
    const res = await request(h.app).get(`/api/instances/${INSTANCE}`).set('Authorization', h.bearer(alice)).expect(404);
    expect(res.body).toMatchObject({ error: 'not_found', detail: `process instance ${INSTANCE} not found` });
    expect(h.engine.requests.map((seen) => `${seen.method} ${seen.url.split('?')[0]}`)).toEqual(['POST /engine-rest/process-instance', 'POST /engine-rest/task/count']);
  });
});

describe('reading under a task or instance (its form, its variables): the check and the read at once', () => {
  const FORM = `/engine-rest/task/${TASK}/form-variables`;
  const secretForm = { salary: { type: 'Long', value: 123456, valueInfo: {} } };

  it('sends the read while the check is still being answered, and answers once both are in', async () => {
    const arrivals: Record<string, number> = {};
    h.engine.answer('POST', '/engine-rest/task', () => {
      arrivals.check = performance.now();
      return { status: 200, body: [openTask], delayMs: 300 };
    });
    h.engine.answer('GET', FORM, () => {
      arrivals.read = performance.now();
      return { status: 200, body: secretForm };
    });
    const res = await request(h.app).get(`/api/tasks/${TASK}/form`).set('Authorization', h.bearer(alice)).expect(200);
    expect(res.body).toMatchObject({ salary: { value: 123456 } });
    // Sequential, the read would arrive only after the check's 300 ms answer.
    expect(Math.abs(arrivals.read! - arrivals.check!)).toBeLessThan(250);
  });

  it('a caller who may not see the task gets the 404 of an unknown task, and nothing of the form it read', async () => {
    h.engine.answer('POST', '/engine-rest/task', { status: 200, body: [] });
    h.engine.answer('GET', FORM, { status: 200, body: secretForm });
    const res = await request(h.app).get(`/api/tasks/${TASK}/form`).set('Authorization', h.bearer(alice)).expect(404);
    expect(res.body).toMatchObject({ error: 'not_found', detail: `task ${TASK} not found` });
    expect(res.text).not.toContain('salary');
    expect(h.engine.requests).toHaveLength(2);
  });

  it('answers a refused caller the same whether the task exists (the read succeeds) or not (the engine says so its own way)', async () => {
    const refused = async (read: { status: number; body: unknown }) => {
      h.engine.reset();
      h.engine.answer('POST', '/engine-rest/task', { status: 200, body: [] });
      h.engine.answer('GET', FORM, read);
      const res = await request(h.app).get(`/api/tasks/${TASK}/form`).set('Authorization', h.bearer(alice));
      return { status: res.status, error: res.body.error as string, detail: res.body.detail as string };
    };
    const exists = await refused({ status: 200, body: secretForm });
    const unknown = await refused({ status: 400, body: { type: 'InvalidRequestException', message: `Cannot find task with id ${TASK}` } });
    expect(unknown).toEqual(exists);
    expect(exists).toEqual({ status: 404, error: 'not_found', detail: `task ${TASK} not found` });
  });

  it('an action under a resource still checks first: nothing is sent to the engine beside a check that fails', async () => {
    h.engine.answer('POST', '/engine-rest/task', { status: 200, body: [] });
    await request(h.app).post(`/api/tasks/${TASK}/complete`).set('Authorization', h.bearer(alice)).send({}).expect(404);
    expect(h.engine.requests.map((seen) => `${seen.method} ${seen.url.split('?')[0]}`)).toEqual(['POST /engine-rest/task']);
  });
});

describe('INSTANCE_ORG=tenant: the same budgets, and the cheaper form of every check', () => {
  let tenant: ProxyHarness;
  beforeAll(async () => {
    tenant = await startProxyHarness({ DEFINITION_CACHE_TTL: '0', INSTANCE_ORG: 'tenant' });
  });
  afterAll(() => tenant.close());
  beforeEach(() => tenant.engine.reset());

  it.each(cases)('$route as $world: $calls engine call(s)', async ({ world, method, path, body, calls, status }) => {
    engineKnows(tenant, world);
    const call = request(tenant.app)[method === 'GET' ? 'get' : method === 'POST' ? 'post' : 'delete'](path).set('Authorization', tenant.bearer(alice));
    const res = body === undefined ? await call : await call.send(body);
    expect(res.status).toBe(status);
    expect(tenant.engine.requests).toHaveLength(calls);
    // The organisation is the tenant id alone: no check or list filters on the stamp (a start still writes it), and none has more than the one mine-or-candidate entry.
    for (const seen of tenant.engine.requests) {
      const asked = JSON.stringify(seen.json ?? {});
      expect(asked).not.toContain('"name":"initiatorOrgId"');
      expect(((seen.json as { orQueries?: unknown[] } | undefined)?.orQueries ?? []).length).toBeLessThanOrEqual(1);
    }
  });

  it('a task read is one POST /task with the mine-or-candidate entry and a top-level tenantIdIn', async () => {
    engineKnows(tenant, 'assignee');
    await request(tenant.app).get(`/api/tasks/${TASK}`).set('Authorization', tenant.bearer(alice)).expect(200);
    expect(tenant.engine.requests.map((seen) => seen.json)).toEqual([
      { taskId: TASK, tenantIdIn: [alice.orgId], orQueries: [{ assignee: alice.id, candidateUser: alice.id, candidateGroups: [alice.orgRole] }] },
    ]);
  });
});
