/**
 * Every route of routes.config.json, against the real engine: a happy path and its main failure.
 *
 * Coverage is recorded by the proxy itself: its access log says which route id (res.locals.routeId)
 * served each request and with which status. The last test fails when a route of the config was
 * never served with a 2xx and with a 4xx in this file, so adding a route without a test here fails.
 */
import { randomUUID } from 'node:crypto';
import { fillPathTemplate } from '@clerk-camunda-proxy/client/contract';
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
  onEngine,
} from '../support/contractHarness.js';

let h: ContractProxy;
let instanceId: string;
let businessKey: string;
let reviewTaskId: string;

beforeAll(async () => {
  // The admin is a platform operator here (sees everything); tenancy has its own suite.
  h = startContractProxy({ PLATFORM_ADMINS: testUsers.admin.id });
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

const get = (path: string, user = testUsers.alice) => request(h.app).get(path).set('Authorization', h.bearer(user));
const post = (path: string, user = testUsers.alice) => request(h.app).post(path).set('Authorization', h.bearer(user));
const { alice, manager, admin } = testUsers;

describe(onEngine('processes.list GET /api/processes'), () => {
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

describe(onEngine('processes.get GET /api/processes/:key'), () => {
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

describe(onEngine('processes.form GET /api/processes/:key/form'), () => {
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

describe(onEngine('process.start POST /api/processes/:key/start'), () => {
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

describe(onEngine('instances.list GET /api/instances'), () => {
  it('lists instances, filtered by the engine query the client sent', async () => {
    const res = await get(`/api/instances?businessKey=${encodeURIComponent(businessKey)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([expect.objectContaining({ id: instanceId, businessKey })]);
    await expectRoute(res, 'instances.list');
  });

  it('a filter the proxy cannot apply to a user\'s list is 400', async () => {
    const res = await get('/api/instances?variables=foo_eq_bar');
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toBe("query parameter 'variables' is not supported on this list");
    await expectRoute(res, 'instances.list');
  });

  it('a query the engine refuses is 400 with its message (admin: the GET passes through)', async () => {
    const res = await get('/api/instances?sortBy=nope&sortOrder=asc', admin);
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toBe("Cannot set query parameter 'sortBy' to value 'nope'");
    await expectRoute(res, 'instances.list');
  });
});

describe(onEngine('instances.get GET /api/instances/:id'), () => {
  it('returns the instance', async () => {
    const res = await get(`/api/instances/${instanceId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: instanceId, businessKey, ended: false });
    await expectRoute(res, 'instances.get');
  });

  it('an unknown id is 404', async () => {
    const id = randomUUID();
    const res = await get(`/api/instances/${id}`);
    expect(expectEnvelope(res, 404, 'not_found').detail).toBe(`process instance ${id} not found`);
    await expectRoute(res, 'instances.get');
    // An administrator skips the instance policy: the engine's own 404 comes through.
    const asAdmin = await get(`/api/instances/${id}`, admin);
    expect(expectEnvelope(asAdmin, 404, 'not_found').detail).toBe(`Process instance with id ${id} does not exist`);
  });
});

describe(onEngine('instances.variables GET /api/instances/:id/variables'), () => {
  it("returns the instance's variables", async () => {
    const res = await get(`/api/instances/${instanceId}/variables`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ customerName: { type: 'String', value: 'Routes Ltd' }, amount: { type: 'Integer', value: 10 } });
    await expectRoute(res, 'instances.variables');
  });

  it('an unknown id is 404 (for an administrator, from the engine\'s 500 NullValueException)', async () => {
    const id = randomUUID();
    const res = await get(`/api/instances/${id}/variables`);
    expect(expectEnvelope(res, 404, 'not_found').detail).toBe(`process instance ${id} not found`);
    await expectRoute(res, 'instances.variables');
    const asAdmin = await get(`/api/instances/${id}/variables`, admin);
    expect(expectEnvelope(asAdmin, 404, 'not_found').detail).toBe(`execution ${id} doesn't exist: execution is null`);
    expect((await h.servedBy(asAdmin)).engineStatus).toBe(500);
  });
});

describe(onEngine('tasks.list GET /api/tasks'), () => {
  it('lists tasks, filtered by the engine query the client sent', async () => {
    const res = await get(`/api/tasks?processInstanceId=${instanceId}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([expect.objectContaining({ id: reviewTaskId, taskDefinitionKey: 'reviewOrder' })]);
    await expectRoute(res, 'tasks.list');
  });

  it('a query the engine refuses is 400 with its message', async () => {
    // A user's list becomes POST /task (the proxy adds "mine or candidate").
    const res = await get('/api/tasks?sortBy=nope&sortOrder=asc');
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toContain('currentOrderingProperty is null');
    await expectRoute(res, 'tasks.list');

    // A value Jackson cannot read in that POST body: 400 too. The engine's message for it is not
    // stable (a fresh 7.24 engine answers message "", a long-running one sometimes Jackson's text);
    // an empty message gets the proxy's fallback detail.
    const badDate = await get('/api/tasks?created=notadate');
    expect(expectEnvelope(badDate, 400, 'invalid_request').detail).toMatch(/notadate|^the engine rejected the request \(400\)$/);
    // An administrator's GET passes through: engine-rest's query-parameter message.
    const asAdmin = await get('/api/tasks?created=notadate', admin);
    expect(expectEnvelope(asAdmin, 400, 'invalid_request').detail).toContain("Cannot set query parameter 'created' to value 'notadate'");
  });

  it('a filter the proxy cannot apply to a user\'s list is 400', async () => {
    const res = await get('/api/tasks?taskVariables=approved_eq_true');
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toBe("query parameter 'taskVariables' is not supported on this list");
  });
});

describe(onEngine('tasks.get GET /api/tasks/:id'), () => {
  it('returns the task', async () => {
    const res = await get(`/api/tasks/${reviewTaskId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: reviewTaskId, name: 'Review order', assignee: testUsers.alice.id, processInstanceId: instanceId });
    await expectRoute(res, 'tasks.get');
  });

  it('an unknown id is 404', async () => {
    const id = randomUUID();
    const res = await get(`/api/tasks/${id}`);
    expect(expectEnvelope(res, 404, 'not_found').detail).toBe(`task ${id} not found`);
    await expectRoute(res, 'tasks.get');
  });
});

describe(onEngine('tasks.form GET /api/tasks/:id/form'), () => {
  it("returns the task form's variables", async () => {
    const res = await get(`/api/tasks/${reviewTaskId}/form`);
    expect(res.status).toBe(200);
    expect(res.body.approved).toEqual({ type: 'Boolean', value: null, valueInfo: {} });
    await expectRoute(res, 'tasks.form');
  });

  it('an unknown id is 404', async () => {
    const id = randomUUID();
    const res = await get(`/api/tasks/${id}/form`);
    expect(expectEnvelope(res, 404, 'not_found').detail).toBe(`task ${id} not found`);
    await expectRoute(res, 'tasks.form');
  });
});

describe(onEngine('task.complete POST /api/tasks/:id/complete'), () => {
  it('completes the task: 200 with the task, its instance and who completed it', async () => {
    const key = uniqueKey('routes-complete');
    const started = await post('/api/processes/leaveRequest/start').send({ businessKey: key });
    expect(started.status).toBe(201);
    const [task] = await tasksOfInstance(started.body.id);
    const res = await post(`/api/tasks/${task!.id}/complete`).send({ variables: { confirmed: true } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({ id: task!.id, processInstanceId: started.body.id, completedBy: alice.id });
    await expectRoute(res, 'task.complete');
    expect(await tasksOfInstance(started.body.id)).toEqual([]);
  });

  it('an unknown id is 404', async () => {
    const id = randomUUID();
    const res = await post(`/api/tasks/${id}/complete`).send({ variables: {} });
    expect(expectEnvelope(res, 404, 'not_found').detail).toBe(`task ${id} not found`);
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

describe(onEngine('task.claim and task.unclaim POST /api/tasks/:id/claim, /unclaim'), () => {
  // approveOrder: unassigned, candidate group managers.
  let approveTaskId: string;
  let approveInstanceId: string;
  beforeAll(async () => {
    const started = await post('/api/processes/order/start').send({ businessKey: uniqueKey('routes-claim'), variables: { amount: 5 } });
    expect(started.status).toBe(201);
    approveInstanceId = started.body.id;
    const [review] = await tasksOfInstance(approveInstanceId);
    expect((await post(`/api/tasks/${review!.id}/complete`).send({ variables: { approved: true } })).status).toBe(200);
    const [approve] = await tasksOfInstance(approveInstanceId);
    expect(approve).toMatchObject({ taskDefinitionKey: 'approveOrder', assignee: null });
    approveTaskId = approve!.id;
  });
  const assigneeNow = async () => (await tasksOfInstance(approveInstanceId))[0]!.assignee;

  it('a candidate claims it for themselves: 200 {id, assignee}, the engine has them as assignee', async () => {
    const res = await post(`/api/tasks/${approveTaskId}/claim`, manager).send({});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: approveTaskId, assignee: manager.id });
    await expectRoute(res, 'task.claim');
    expect(await assigneeNow()).toBe(manager.id);
  });

  it('an administrator claiming a task someone holds: 409 with the engine message (TaskAlreadyClaimedException)', async () => {
    const res = await post(`/api/tasks/${approveTaskId}/claim`, admin);
    expect(expectEnvelope(res, 409, 'conflict').detail).toBe(`Task '${approveTaskId}' is already claimed by someone else.`);
    await expectRoute(res, 'task.claim');
    expect(await assigneeNow()).toBe(manager.id);
  });

  it('the assignee unclaims it: 200 {id, assignee: null}, unassigned again', async () => {
    const res = await post(`/api/tasks/${approveTaskId}/unclaim`, manager);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: approveTaskId, assignee: null });
    await expectRoute(res, 'task.unclaim');
    expect(await assigneeNow()).toBeNull();
  });

  it('unclaiming a task that is not yours is 403', async () => {
    const res = await post(`/api/tasks/${approveTaskId}/unclaim`, manager);
    expectEnvelope(res, 403, 'forbidden');
    await expectRoute(res, 'task.unclaim');
  });

  it('claiming for someone else is 403, and nothing changes', async () => {
    const res = await post(`/api/tasks/${approveTaskId}/claim`, manager).send({ userId: alice.id });
    expect(expectEnvelope(res, 403, 'forbidden').detail).toBe('a task can only be claimed for yourself');
    expect(await assigneeNow()).toBeNull();
  });

  it('unknown ids are 404', async () => {
    const id = randomUUID();
    const claim = await post(`/api/tasks/${id}/claim`, manager);
    expect(expectEnvelope(claim, 404, 'not_found').detail).toBe(`task ${id} not found`);
    await expectRoute(claim, 'task.claim');
    const unclaim = await post(`/api/tasks/${id}/unclaim`, manager);
    expect(expectEnvelope(unclaim, 404, 'not_found').detail).toBe(`task ${id} not found`);
    await expectRoute(unclaim, 'task.unclaim');
  });

  it('a body that is not JSON is 400', async () => {
    const res = await post(`/api/tasks/${approveTaskId}/claim`, manager).set('Content-Type', 'application/json').send('{"userId":');
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toBe('request body is not valid JSON');
  });
});

describe(onEngine('processes.xml GET /api/processes/:key/xml'), () => {
  it('answers the BPMN XML of the latest version', async () => {
    const res = await get('/api/processes/order/xml');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.stringMatching(/^order:/), bpmn20Xml: expect.stringContaining('id="approveOrder"') });
    await expectRoute(res, 'processes.xml');
  });

  it('an unknown key is 404', async () => {
    const res = await get('/api/processes/no-such-process/xml');
    expectEnvelope(res, 404, 'not_found');
    await expectRoute(res, 'processes.xml');
  });
});

describe(onEngine('instances.activities and history.activities'), () => {
  it('the running activity tree and the history of the instance', async () => {
    const tree = await get(`/api/instances/${instanceId}/activity-instances`);
    expect(tree.status).toBe(200);
    expect(tree.body.childActivityInstances.map((child: { activityId: string }) => child.activityId)).toEqual(['reviewOrder']);
    await expectRoute(tree, 'instances.activities');
    const history = await get(`/api/history/activity-instances?processInstanceId=${instanceId}&sortBy=startTime&sortOrder=asc`);
    expect(history.status).toBe(200);
    expect(history.body.map((step: { activityId: string }) => step.activityId)).toEqual(['orderStarted', 'reviewOrder']);
    await expectRoute(history, 'history.activities');
  });

  it("someone else's instance is 404 for both", async () => {
    const tree = await get(`/api/instances/${instanceId}/activity-instances`, testUsers.bob);
    expect(expectEnvelope(tree, 404, 'not_found').detail).toBe(`process instance ${instanceId} not found`);
    await expectRoute(tree, 'instances.activities');
    const history = await get(`/api/history/activity-instances?processInstanceId=${instanceId}`, testUsers.bob);
    expectEnvelope(history, 404, 'not_found');
    await expectRoute(history, 'history.activities');
  });

  it('history without a processInstanceId is 400', async () => {
    const res = await get('/api/history/activity-instances?activityType=userTask');
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toBe('query parameter processInstanceId is required, exactly once');
  });
});

describe(onEngine('instance.suspend, instance.activate, instance.delete'), () => {
  let ownId: string;
  beforeAll(async () => {
    const started = await post('/api/processes/leaveRequest/start').send({ businessKey: uniqueKey('routes-suspend') });
    expect(started.status).toBe(201);
    ownId = started.body.id;
  });
  const del = (id: string, user = alice) => request(h.app).delete(`/api/instances/${id}`).set('Authorization', h.bearer(user));

  it('the initiator suspends, activates and deletes: 200 JSON each', async () => {
    const suspended = await post(`/api/instances/${ownId}/suspend`);
    expect(suspended.status).toBe(200);
    expect(suspended.body).toEqual({ id: ownId, suspended: true });
    await expectRoute(suspended, 'instance.suspend');
    const activated = await post(`/api/instances/${ownId}/activate`).set('Content-Type', 'application/json');
    expect(activated.body).toEqual({ id: ownId, suspended: false });
    await expectRoute(activated, 'instance.activate');
    const deleted = await del(ownId).send({ reason: 'test over' });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: ownId, deleted: true, reason: 'test over' });
    await expectRoute(deleted, 'instance.delete');
    expect((await engineDirect('GET', `/process-instance/${ownId}`)).status).toBe(404);
  });

  it("someone else's or an unknown instance is 404, and the engine keeps it running", async () => {
    for (const [action, routeId] of [['suspend', 'instance.suspend'], ['activate', 'instance.activate']] as const) {
      const res = await post(`/api/instances/${instanceId}/${action}`, testUsers.bob);
      expect(expectEnvelope(res, 404, 'not_found').detail).toBe(`process instance ${instanceId} not found`);
      await expectRoute(res, routeId);
    }
    const deleted = await del(instanceId, testUsers.bob);
    expectEnvelope(deleted, 404, 'not_found');
    await expectRoute(deleted, 'instance.delete');
    expect((await engineDirect<{ suspended: boolean }>('GET', `/process-instance/${instanceId}`)).json.suspended).toBe(false);
  });

  it('a body that is not JSON is refused before the engine is asked', async () => {
    const res = await post(`/api/instances/${instanceId}/suspend`).set('Content-Type', 'text/plain').send('suspended=false');
    expectEnvelope(res, 415, 'unsupported_media_type');
    expect((await h.servedBy(res)).engineStatus).toBeNull();
    const unknownField = await del(instanceId).send({ cascade: true });
    expect(expectEnvelope(unknownField, 400, 'invalid_request').detail).toContain("unknown field 'cascade'");
    expect((await engineDirect('GET', `/process-instance/${instanceId}`)).status).toBe(200);
  });
});

describe(onEngine('built-in and unmapped'), () => {
  it('GET /api/user returns the caller from the verified session', async () => {
    const res = await get('/api/user');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: testUsers.alice.id,
      email: testUsers.alice.email,
      name: testUsers.alice.name,
      orgId: testUsers.alice.orgId,
      orgRole: 'org:member',
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
      const path = fillPathTemplate(route.path, () => 'x');
      const res = await request(h.app)[route.method.toLowerCase() as 'get' | 'post' | 'delete'](path).send(route.method === 'GET' ? undefined : {});
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

describe(onEngine('route coverage'), () => {
  // Keep this last: it reads what the proxy served during the tests above.
  it('every route id in routes.config.json was served here with a 2xx and with a 4xx', () => {
    // The route map the proxy loaded (ids filled in), which is routes.config.json.
    const ids = h.routeMap.routes.map((route) => route.id);
    expect(ids).toEqual(configuredRoutes().map((route) => route.id ?? `${route.method} ${route.path}`));
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
