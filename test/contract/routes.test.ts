/**
 * Every route of routes.config.json, against the real engine: a happy path and its main failure.
 *
 * Coverage is recorded by the proxy itself: its access log says which route id (res.locals.routeId)
 * served each request and with which status. The last test fails when a route of the config was
 * never served with a 2xx and with a 4xx in this file, so adding a route without a test here fails.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  configuredRoutes,
  engineDirect,
  expectEnvelope,
  startContractProxy,
  tasksOfInstance,
  testUsers,
  uniqueKey,
  type ContractProxy,
} from '../support/contractHarness.js';

let h: ContractProxy;
let instanceId: string;
let businessKey: string;
let reviewTaskId: string;

beforeAll(async () => {
  h = startContractProxy();
  businessKey = uniqueKey('routes');
  const started = await request(h.app)
    .post('/api/processes/order/start')
    .set('Authorization', h.bearer(testUsers.alice))
    .send({ businessKey, variables: { customerName: 'Routes Ltd', amount: 10 } });
  expect(started.status).toBe(201);
  instanceId = started.body.id as string;
  const [task] = await tasksOfInstance(instanceId);
  reviewTaskId = task!.id;
});
afterAll(() => h.close());

/** Asserts that the proxy's access log attributes this response to `routeId`. */
async function expectRoute(res: request.Response, routeId: string | null): Promise<void> {
  expect((await h.servedBy(res)).route).toBe(routeId);
}

const get = (path: string) => request(h.app).get(path).set('Authorization', h.bearer());
const post = (path: string) => request(h.app).post(path).set('Authorization', h.bearer());

describe('processes.list GET /api/processes', () => {
  it('lists the deployed definitions, latest versions only', async () => {
    const res = await get('/api/processes');
    expect(res.status).toBe(200);
    const keys = (res.body as { key: string }[]).map((d) => d.key);
    expect(keys).toEqual(expect.arrayContaining(['order', 'jsonCheck', 'leaveRequest', 'invoiceWorker']));
    expect(new Set(keys).size).toBe(keys.length);
    await expectRoute(res, 'processes.list');
  });

  it("the fixed latestVersion=true wins over the client's", async () => {
    const res = await get('/api/processes?latestVersion=false&key=order');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ key: 'order' });
  });

  it('a query the engine refuses is 400 with the engine message', async () => {
    const res = await get('/api/processes?sortBy=nope&sortOrder=asc');
    const body = expectEnvelope(res, 400, 'invalid_request');
    expect(body.detail).toContain("Cannot set query parameter 'sortBy' to value 'nope'");
    await expectRoute(res, 'processes.list');
  });
});

describe('processes.get GET /api/processes/:key', () => {
  it('returns the definition', async () => {
    const res = await get('/api/processes/order');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ key: 'order', name: 'Order', suspended: false });
    await expectRoute(res, 'processes.get');
  });

  it('an unknown key is 404', async () => {
    const res = await get('/api/processes/no-such-process');
    const body = expectEnvelope(res, 404, 'not_found');
    expect(body.detail).toContain('No matching process definition with key: no-such-process');
    await expectRoute(res, 'processes.get');
  });
});

describe('processes.form GET /api/processes/:key/form', () => {
  it("returns the start form's variables", async () => {
    const res = await get('/api/processes/order/form');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      customerName: { type: 'String', value: null, valueInfo: {} },
      amount: { type: 'Long', value: null, valueInfo: {} },
    });
    await expectRoute(res, 'processes.form');
  });

  it('an unknown key is 404', async () => {
    const res = await get('/api/processes/no-such-process/form');
    expectEnvelope(res, 404, 'not_found');
    await expectRoute(res, 'processes.form');
  });
});

describe('process.start POST /api/processes/:key/start', () => {
  it('starts an instance: 201 with its id', async () => {
    const key = uniqueKey('routes-start');
    const res = await post('/api/processes/leaveRequest/start').send({ businessKey: key, variables: { days: 2 } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), businessKey: key, ended: false, definitionKey: 'leaveRequest' });
    // The engine's self link points at the engine; it is passed through as the engine wrote it.
    await expectRoute(res, 'process.start');
    const direct = await engineDirect('GET', `/process-instance/${res.body.id}`);
    expect(direct.status).toBe(200);
  });

  it('an unknown key is 404', async () => {
    const res = await post('/api/processes/no-such-process/start').send({ variables: {} });
    const body = expectEnvelope(res, 404, 'not_found');
    expect(body.detail).toContain('No matching process definition with key: no-such-process');
    await expectRoute(res, 'process.start');
  });

  it('a bad body is 400 (unknown field, wrong type, not JSON, not an object)', async () => {
    const unknownField = await post('/api/processes/order/start').send({ variables: {}, foo: 1 });
    expect(expectEnvelope(unknownField, 400, 'invalid_request').detail).toContain("unknown field 'foo'");
    await expectRoute(unknownField, 'process.start');

    const wrongType = await post('/api/processes/order/start').send({ businessKey: 42 });
    expect(expectEnvelope(wrongType, 400, 'invalid_request').detail).toContain('businessKey');

    const notJson = await post('/api/processes/order/start').set('Content-Type', 'application/json').send('{"variables":');
    expect(expectEnvelope(notJson, 400, 'invalid_request').detail).toBe('request body is not valid JSON');

    const array = await post('/api/processes/order/start').send([1, 2]);
    expect(expectEnvelope(array, 400, 'invalid_request').detail).toContain('must be a JSON object');

    const noBody = await post('/api/processes/order/start');
    expect(expectEnvelope(noBody, 400, 'invalid_request').detail).toContain('must be a JSON object');
  });
});

describe('instances.list GET /api/instances', () => {
  it('lists instances, filtered by the engine query the client sent', async () => {
    const res = await get(`/api/instances?businessKey=${encodeURIComponent(businessKey)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([expect.objectContaining({ id: instanceId, businessKey })]);
    await expectRoute(res, 'instances.list');
  });

  it('a query the engine refuses is 400', async () => {
    const res = await get('/api/instances?sortBy=nope&sortOrder=asc');
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toContain("'sortBy'");
    await expectRoute(res, 'instances.list');
  });
});

describe('instances.get GET /api/instances/:id', () => {
  it('returns the instance', async () => {
    const res = await get(`/api/instances/${instanceId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: instanceId, businessKey, ended: false });
    await expectRoute(res, 'instances.get');
  });

  it('an unknown id is 404', async () => {
    const res = await get(`/api/instances/${randomUUID()}`);
    expect(expectEnvelope(res, 404, 'not_found').detail).toMatch(/^Process instance with id \S+ does not exist$/);
    await expectRoute(res, 'instances.get');
  });
});

describe('instances.variables GET /api/instances/:id/variables', () => {
  it("returns the instance's variables", async () => {
    const res = await get(`/api/instances/${instanceId}/variables`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ customerName: { type: 'String', value: 'Routes Ltd' }, amount: { type: 'Integer', value: 10 } });
    await expectRoute(res, 'instances.variables');
  });

  it('an unknown id is 404 (the engine says 500 NullValueException)', async () => {
    const res = await get(`/api/instances/${randomUUID()}/variables`);
    expect(expectEnvelope(res, 404, 'not_found').detail).toMatch(/^execution \S+ doesn't exist: execution is null$/);
    await expectRoute(res, 'instances.variables');
  });
});

describe('tasks.list GET /api/tasks', () => {
  it('lists tasks, filtered by the engine query the client sent', async () => {
    const res = await get(`/api/tasks?processInstanceId=${instanceId}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([expect.objectContaining({ id: reviewTaskId, taskDefinitionKey: 'reviewOrder' })]);
    await expectRoute(res, 'tasks.list');
  });

  it('a query the engine refuses is 400', async () => {
    const res = await get('/api/tasks?created=notadate');
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toContain("Cannot set query parameter 'created' to value 'notadate'");
    await expectRoute(res, 'tasks.list');
  });
});

describe('tasks.get GET /api/tasks/:id', () => {
  it('returns the task', async () => {
    const res = await get(`/api/tasks/${reviewTaskId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: reviewTaskId, name: 'Review order', assignee: testUsers.alice.id, processInstanceId: instanceId });
    await expectRoute(res, 'tasks.get');
  });

  it('an unknown id is 404', async () => {
    const res = await get(`/api/tasks/${randomUUID()}`);
    expect(expectEnvelope(res, 404, 'not_found').detail).toMatch(/^No matching task with id /);
    await expectRoute(res, 'tasks.get');
  });
});

describe('tasks.form GET /api/tasks/:id/form', () => {
  it("returns the task form's variables", async () => {
    const res = await get(`/api/tasks/${reviewTaskId}/form`);
    expect(res.status).toBe(200);
    expect(res.body.approved).toEqual({ type: 'Boolean', value: null, valueInfo: {} });
    await expectRoute(res, 'tasks.form');
  });

  it('an unknown id is 404 (the engine says 400 BadUserRequestException)', async () => {
    const res = await get(`/api/tasks/${randomUUID()}/form`);
    expect(expectEnvelope(res, 404, 'not_found').detail).toMatch(/^Cannot find task with id/);
    await expectRoute(res, 'tasks.form');
  });
});

describe('task.complete POST /api/tasks/:id/complete', () => {
  it('completes the task: 204', async () => {
    const key = uniqueKey('routes-complete');
    const started = await post('/api/processes/leaveRequest/start').send({ businessKey: key });
    expect(started.status).toBe(201);
    const [task] = await tasksOfInstance(started.body.id);
    const res = await post(`/api/tasks/${task!.id}/complete`).send({ variables: { confirmed: true } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    await expectRoute(res, 'task.complete');
    expect(await tasksOfInstance(started.body.id)).toEqual([]);
  });

  it('an unknown id is 404 (the engine says 500 RestException)', async () => {
    const res = await post(`/api/tasks/${randomUUID()}/complete`).send({ variables: {} });
    expect(expectEnvelope(res, 404, 'not_found').detail).toMatch(/^Cannot complete task \S+: Cannot find task with id/);
    await expectRoute(res, 'task.complete');
  });

  it('a bad body is 400, and the task stays open', async () => {
    const unknownField = await post(`/api/tasks/${reviewTaskId}/complete`).send({ businessKey: 'x' });
    expect(expectEnvelope(unknownField, 400, 'invalid_request').detail).toContain("unknown field 'businessKey'");
    await expectRoute(unknownField, 'task.complete');

    const variablesNotObject = await post(`/api/tasks/${reviewTaskId}/complete`).send({ variables: [1] });
    expect(expectEnvelope(variablesNotObject, 400, 'invalid_request').detail).toContain("'variables'");

    expect((await tasksOfInstance(instanceId)).map((t) => t.id)).toEqual([reviewTaskId]);
  });
});

describe('built-in and unmapped', () => {
  it('GET /api/user returns the caller from the verified session', async () => {
    const res = await get('/api/user');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: testUsers.alice.id,
      email: testUsers.alice.email,
      name: testUsers.alice.name,
      orgId: null,
      orgRole: null,
      orgPermissions: [],
    });
    await expectRoute(res, 'user.get');

    const manager = await request(h.app).get('/api/user').set('Authorization', h.bearer(testUsers.manager));
    expect(manager.status).toBe(200);
    expect(manager.body).toMatchObject({
      id: testUsers.manager.id,
      orgId: testUsers.manager.orgId,
      orgRole: 'org:managers',
      orgPermissions: expect.arrayContaining(['org:tasks:read', 'org:tasks:complete']),
    });
  });

  it('GET /api/user without a token is 401', async () => {
    const res = await request(h.app).get('/api/user');
    expectEnvelope(res, 401, 'unauthenticated');
  });

  it('every mapped route needs a session: 401 before the engine is asked', async () => {
    for (const route of configuredRoutes()) {
      const path = route.path.replace(/:[A-Za-z][A-Za-z0-9_]*/g, 'x');
      const res = await request(h.app)[route.method.toLowerCase() as 'get' | 'post'](path).send(route.method === 'GET' ? undefined : {});
      expectEnvelope(res, 401, 'unauthenticated');
      expect((await h.servedBy(res)).engineStatus).toBeNull();
    }
  });

  it('an unmapped path is 404 with the envelope', async () => {
    const res = await get('/api/process-definition');
    expect(expectEnvelope(res, 404, 'not_found').detail).toBe('no route for GET /api/process-definition');
    await expectRoute(res, null);
  });
});

describe('route coverage', () => {
  // Keep this last: it reads what the proxy served during the tests above.
  it('every route id in routes.config.json was served here with a 2xx and with a 4xx', () => {
    const ids = configuredRoutes().map((route) => route.id ?? `${route.method} ${route.path}`);
    expect(ids.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const id of ids) {
      const statuses = h.served.filter((s) => s.route === id).map((s) => s.status ?? 0);
      if (!statuses.some((s) => s >= 200 && s < 300)) missing.push(`${id}: no happy path (2xx)`);
      if (!statuses.some((s) => s >= 400 && s < 500)) missing.push(`${id}: no failure (4xx)`);
    }
    expect(missing).toEqual([]);
  });
});
