/**
 * How the real engine's error answers reach the client. Each "not found" case first asks the engine
 * directly, to pin what the engine itself says (status and message), then asks through the proxy.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import request from 'supertest';
import { freePort } from '../../scripts/engine.js';
import {
  engineDirect,
  expectEnvelope,
  historicInstancesByBusinessKey,
  startContractProxy,
  tasksOfInstance,
  uniqueKey,
  testUsers,
  type ContractProxy,
  engineUnderTest,
  onEngine,
} from '../support/contractHarness.js';

let h: ContractProxy;
beforeAll(() => {
  // The admin here is a platform operator, who sees everything: the policies let the call go and the engine's own answer comes back, mapped.
  h = startContractProxy({ PLATFORM_ADMINS: testUsers.admin.id });
});
afterAll(() => h.close());

describe(onEngine('not found, as the engine says it and as the client sees it'), () => {
  const id = randomUUID();
  // [what, method, proxy path, engine path, what the engine answers, the detail alice gets, the detail an admin gets]
  // Routes with a policy answer "not found" themselves for everyone the policy checks (the same
  // answer as for someone else's resource); a platform operator skips the checks and gets the
  // engine's answer, mapped, except on complete, where the policy looks the task up.
  const cases: [string, 'GET' | 'POST', string, string, number, RegExp, string, string][] = [
    ['unknown process key', 'GET', '/api/processes/nope', '/process-definition/key/nope', 404, /^No matching process definition with key: nope and no tenant-id$/,
      'No matching process definition with key: nope and no tenant-id', 'No matching process definition with key: nope and no tenant-id'],
    ['start form of unknown key', 'GET', '/api/processes/nope/form', '/process-definition/key/nope/form-variables', 404, /^No matching process definition with key: nope/,
      'No matching process definition with key: nope and no tenant-id', 'No matching process definition with key: nope and no tenant-id'],
    ['start of unknown key', 'POST', '/api/processes/nope/start', '/process-definition/key/nope/start', 404, /^No matching process definition with key: nope/,
      'No matching process definition with key: nope and no tenant-id', 'No matching process definition with key: nope and no tenant-id'],
    ['unknown instance', 'GET', `/api/instances/${id}`, `/process-instance/${id}`, 404, /^Process instance with id \S+ does not exist$/,
      `process instance ${id} not found`, `Process instance with id ${id} does not exist`],
    ['variables of unknown instance', 'GET', `/api/instances/${id}/variables`, `/process-instance/${id}/variables?deserializeValues=false`, 500, /^execution \S+ doesn't exist: execution is null$/,
      `process instance ${id} not found`, `execution ${id} doesn't exist: execution is null`],
    ['unknown task', 'GET', `/api/tasks/${id}`, `/task/${id}`, 404, /^No matching task with id \S+$/,
      `task ${id} not found`, `No matching task with id ${id}`],
    ['form of unknown task', 'GET', `/api/tasks/${id}/form`, `/task/${id}/form-variables?deserializeValues=false`, 400, /^Cannot find task with id '\S+'\.: task is null$/,
      `task ${id} not found`, `Cannot find task with id '${id}'.: task is null`],
    ['complete of unknown task', 'POST', `/api/tasks/${id}/complete`, `/task/${id}/complete`, 500, /^Cannot complete task \S+: Cannot find task with id \S+: task is null$/,
      `task ${id} not found`, `task ${id} not found`],
    ['claim of unknown task', 'POST', `/api/tasks/${id}/claim`, `/task/${id}/claim`, 500, /^Cannot find task with id \S+: task is null$/,
      `task ${id} not found`, `Cannot find task with id ${id}: task is null`],
    ['unclaim of unknown task', 'POST', `/api/tasks/${id}/unclaim`, `/task/${id}/unclaim`, 400, /^Cannot find task with id \S+: task is null$/,
      `task ${id} not found`, `Cannot find task with id ${id}: task is null`],
  ];

  it.each(cases)('%s: 404 for the client, whatever the engine answers', async (_what, method, proxyPath, enginePath, engineStatus, engineMessage, aliceDetail, adminDetail) => {
    const body = method === 'POST' ? { variables: {} } : undefined;
    const direct = await engineDirect<{ message: string }>(method, enginePath, method === 'POST' && enginePath.endsWith('/claim') ? { userId: 'x' } : body);
    expect(direct.status).toBe(engineStatus);
    expect(direct.json.message).toMatch(engineMessage);

    for (const [user, detail] of [[testUsers.alice, aliceDetail], [testUsers.admin, adminDetail]] as const) {
      const res = await request(h.app)[method === 'GET' ? 'get' : 'post'](proxyPath).set('Authorization', h.bearer(user)).send(body);
      expect(expectEnvelope(res, 404, 'not_found').detail).toBe(detail);
    }
  });
});

describe(onEngine('concurrent completion'), () => {
  it('the same task completed three times at once: one 200, the others a 4xx conflict/not-found, never a 502', async () => {
    // A double-click. All three may pass the policy; the engine completes one and answers the
    // others 500 RestException with an OptimisticLockingException ("ENGINE-03005 … updated by
    // another transaction concurrently") or "Cannot restore state of process instance …: list of
    // executions is empty". Neither is the engine being down: the client should get 409 (or 404,
    // when the policy already sees the task gone), with the engine's message kept in detail.
    for (let round = 0; round < 3; round++) {
      const started = await request(h.app)
        .post('/api/processes/leaveRequest/start')
        .set('Authorization', h.bearer())
        .send({ businessKey: uniqueKey('errors-race') });
      expect(started.status).toBe(201);
      const [task] = await tasksOfInstance(started.body.id);
      const complete = () =>
        request(h.app).post(`/api/tasks/${task!.id}/complete`).set('Authorization', h.bearer()).send({ variables: { confirmed: true } });
      const answers = await Promise.all([complete(), complete(), complete()]);
      const winners = answers.filter((res) => res.status === 200);
      const losers = answers.filter((res) => res.status !== 200).map((res) => `${res.status} ${res.text}`);
      expect(winners).toHaveLength(1);
      expect(losers.filter((loser) => !/^(404|409) /.test(loser))).toEqual([]);
      for (const res of answers.filter((res) => res.status === 409)) {
        expect(expectEnvelope(res, 409, 'conflict').detail).toMatch(/Cannot complete task|concurrently|list of executions is empty|"execution" is null|"exec" is null/);
      }
      expect(await tasksOfInstance(started.body.id)).toEqual([]);
    }
  });
});

describe(onEngine("a user's filtered lists (the proxy turns GET into the engine's POST query)"), () => {
  it('an unknown sortBy: 400, but the engine\'s message for the POST form does not name the parameter (pinned)', async () => {
    const res = await request(h.app).get('/api/tasks?sortBy=nope&sortOrder=desc').set('Authorization', h.bearer());
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toBe(
      'You should call any of the orderBy methods first before specifying a direction: currentOrderingProperty is null',
    );
    // The same query as GET, which an administrator's list still is, names it.
    const asAdmin = await request(h.app).get('/api/tasks?sortBy=nope&sortOrder=desc').set('Authorization', h.bearer(testUsers.admin));
    expect(expectEnvelope(asAdmin, 400, 'invalid_request').detail).toBe("Cannot set query parameter 'sortBy' to value 'nope'");
  });

  it('sorting and paging still work through the rewrite', async () => {
    const businessKey = uniqueKey('errors-sort');
    for (let i = 0; i < 3; i++) {
      const started = await request(h.app).post('/api/processes/leaveRequest/start').set('Authorization', h.bearer()).send({ businessKey });
      expect(started.status).toBe(201);
    }
    const all = await request(h.app).get(`/api/instances?businessKey=${businessKey}&sortBy=instanceId&sortOrder=desc`).set('Authorization', h.bearer());
    expect(all.status).toBe(200);
    const ids = (all.body as { id: string }[]).map((instance) => instance.id);
    expect(ids).toHaveLength(3);
    expect(ids).toEqual([...ids].sort().reverse());
    const page = await request(h.app)
      .get(`/api/instances?businessKey=${businessKey}&sortBy=instanceId&sortOrder=desc&firstResult=1&maxResults=1`)
      .set('Authorization', h.bearer());
    expect(page.status).toBe(200);
    expect((page.body as { id: string }[]).map((instance) => instance.id)).toEqual([ids[1]]);
  });
});

describe(onEngine('bad values and failing processes'), () => {
  it('a value the engine cannot convert is 400 with the engine message in detail', async () => {
    const res = await request(h.app)
      .post('/api/processes/order/start')
      .set('Authorization', h.bearer())
      .send({ variables: { amount: { type: 'Boolean', value: 'maybe' } } });
    const body = expectEnvelope(res, 400, 'invalid_request');
    expect(body.detail).toMatch(/^Cannot instantiate process definition order:\d+:\S+: Cannot convert value 'maybe' of type 'Boolean' to java type java.lang.Boolean$/);
  });

  it('Json text that is not JSON, on jsonCheck: 400 from the proxy, and the engine never starts it', async () => {
    const businessKey = uniqueKey('errors-badjson');
    const res = await request(h.app)
      .post('/api/processes/jsonCheck/start')
      .set('Authorization', h.bearer())
      .send({ businessKey, variables: { order: { type: 'Json', value: '{"priority": high' } } });
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toContain("variable 'order'");
    expect(await historicInstancesByBusinessKey(businessKey)).toEqual([]);
  });

  it('a start without a variable the process reads (jsonCheck without order) is 400 naming it, not a 502', async () => {
    const res = await request(h.app).post('/api/processes/jsonCheck/start').set('Authorization', h.bearer()).send({});
    const body = expectEnvelope(res, 400, 'invalid_request');
    expect(body.detail).toContain("Cannot resolve identifier 'order'");
  });
});

describe(onEngine('the engine behind the proxy'), () => {
  it('the engine refuses a request without BasicAuth (401) and takes demo:demo (200)', async () => {
    const anonymous = await engineDirect('GET', '/process-definition?key=order', undefined, null);
    expect(anonymous.status).toBe(401);
    const wrong = await engineDirect('GET', '/process-definition?key=order', undefined, 'demo:not-the-password');
    expect(wrong.status).toBe(401);
    const demo = await engineDirect('GET', '/process-definition?key=order', undefined, 'demo:demo');
    expect(demo.status).toBe(200);
  });

  it("so the proxy's own credentials are what let a Clerk user in: the bearer token is not forwarded", async () => {
    // Were the client's "Authorization: Bearer …" forwarded instead of the proxy's BasicAuth, the
    // engine would answer 401 and the client would see 502.
    const res = await request(h.app).get('/api/processes/order').set('Authorization', h.bearer());
    expect(res.status).toBe(200);
    expect((await h.servedBy(res)).engineStatus).toBe(200);
  });

  it("a client presenting the engine's own BasicAuth is 401 at the proxy; the engine is not asked", async () => {
    const res = await request(h.app)
      .get('/api/processes/order')
      .set('Authorization', `Basic ${Buffer.from('demo:demo').toString('base64')}`);
    expectEnvelope(res, 401, 'unauthenticated');
    expect((await h.servedBy(res)).engineStatus).toBeNull();
  });

  it('/health reports the real engine and its version', async () => {
    const res = await request(h.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'healthy', engine: { reachable: true, version: engineUnderTest.version } });
  });
});

describe(onEngine('a proxy with the wrong ENGINE_PASS'), () => {
  const password = 'Wr0ng-S3cret-pass';
  let wrong: ContractProxy;
  beforeAll(() => {
    wrong = startContractProxy({ ENGINE_PASS: password });
  });
  afterAll(() => wrong.close());

  const secrets = [password, Buffer.from(`demo:${password}`).toString('base64')];

  it('reads are 502 engine_unavailable, and the answer never contains the password', async () => {
    const res = await request(wrong.app).get('/api/processes').set('Authorization', wrong.bearer());
    const body = expectEnvelope(res, 502, 'engine_unavailable');
    expect(body.detail).toContain('ENGINE_USER/ENGINE_PASS');
    for (const secret of secrets) {
      expect(res.text).not.toContain(secret);
      expect(JSON.stringify(res.headers)).not.toContain(secret);
    }
    expect((await wrong.servedBy(res)).engineStatus).toBe(401);
    // The engine's challenge is not passed on: a browser must not pop up a login dialog.
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('a start is 502 too, and nothing is created', async () => {
    const businessKey = uniqueKey('errors-wrongpass');
    const res = await request(wrong.app)
      .post('/api/processes/leaveRequest/start')
      .set('Authorization', wrong.bearer())
      .send({ businessKey, variables: { days: 1 } });
    expectEnvelope(res, 502, 'engine_unavailable');
    for (const secret of secrets) expect(res.text).not.toContain(secret);
    expect(await historicInstancesByBusinessKey(businessKey)).toEqual([]);
  });

  it("a route with a policy fails the same way: the policy's own engine questions are refused", async () => {
    const res = await request(wrong.app).get(`/api/tasks/${randomUUID()}`).set('Authorization', wrong.bearer());
    expectEnvelope(res, 502, 'engine_unavailable');
    for (const secret of secrets) expect(res.text).not.toContain(secret);
  });

  it('/health says degraded', async () => {
    const res = await request(wrong.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'degraded', engine: { reachable: false, version: null } });
    expect(res.text).not.toContain(password);
  });

  it('the right password still works afterwards (no lock-out of demo)', async () => {
    const res = await request(h.app).get('/api/processes/order').set('Authorization', h.bearer());
    expect(res.status).toBe(200);
  });
});

describe(onEngine('an engine that is not running'), () => {
  let down: ContractProxy;
  beforeAll(async () => {
    down = startContractProxy({ ENGINE_URL: `http://127.0.0.1:${await freePort()}/engine-rest` });
  });
  afterAll(() => down.close());

  it('reads are 502 engine_unavailable', async () => {
    const res = await request(down.app).get('/api/processes').set('Authorization', down.bearer());
    expect(expectEnvelope(res, 502, 'engine_unavailable').detail).toBe('the engine is unreachable (ECONNREFUSED)');
    expect(res.text).not.toContain('127.0.0.1');
  });

  it('starts and completions are 502 engine_unavailable', async () => {
    const start = await request(down.app).post('/api/processes/order/start').set('Authorization', down.bearer()).send({ variables: { amount: 1 } });
    expectEnvelope(start, 502, 'engine_unavailable');
    const complete = await request(down.app).post(`/api/tasks/${randomUUID()}/complete`).set('Authorization', down.bearer()).send({});
    expectEnvelope(complete, 502, 'engine_unavailable');
  });

  it('/health says degraded', async () => {
    const res = await request(down.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'degraded', engine: { reachable: false, version: null } });
  });
});

describe(onEngine('an engine that accepts the connection but never answers'), () => {
  let server: Server;
  const sockets = new Set<Socket>();
  let stuck: ContractProxy;
  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    stuck = startContractProxy({ ENGINE_URL: `http://127.0.0.1:${port}/engine-rest`, ENGINE_TIMEOUT: '0.3' });
  });
  afterAll(async () => {
    stuck.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('is 504 engine_timeout after ENGINE_TIMEOUT', async () => {
    const res = await request(stuck.app).get('/api/processes').set('Authorization', stuck.bearer());
    expectEnvelope(res, 504, 'engine_timeout');
  });
});

describe(onEngine('tasks after the errors'), () => {
  it('a failed completion leaves the task for a retry that succeeds', async () => {
    const started = await request(h.app)
      .post('/api/processes/leaveRequest/start')
      .set('Authorization', h.bearer())
      .send({ businessKey: uniqueKey('errors-retry') });
    expect(started.status).toBe(201);
    const [task] = await tasksOfInstance(started.body.id);
    const failed = await request(h.app)
      .post(`/api/tasks/${task!.id}/complete`)
      .set('Authorization', h.bearer())
      .send({ variables: { confirmed: { type: 'Boolean', value: 'perhaps' } } });
    expectEnvelope(failed, 400, 'invalid_request');
    const retried = await request(h.app).post(`/api/tasks/${task!.id}/complete`).set('Authorization', h.bearer()).send({ variables: { confirmed: true } });
    expect(retried.status).toBe(200);
    expect(await tasksOfInstance(started.body.id)).toEqual([]);
  });
});

describe(onEngine("the engine's web server answering with an HTML page"), () => {
  it('an encoded / in a task id: Tomcat refuses it with an HTML page, the client gets a clean detail', async () => {
    const direct = await engineDirect('GET', '/task/abc%2Fdef');
    expect(direct.status).toBe(400);
    expect(direct.text).toMatch(/^<!doctype html>/i);

    // A platform administrator's read goes straight to the engine; anyone else's is first one
    // filtered task query, which finds no task 'abc/def': the same 404 as any unknown task.
    const res = await request(h.app).get('/api/tasks/abc%2Fdef').set('Authorization', h.bearer(testUsers.admin));
    const { detail } = expectEnvelope(res, 400, 'invalid_request');
    expect(detail).toBe("the engine's web server answered with an error page: HTTP Status 400 – Bad Request");
    expectEnvelope(await request(h.app).get('/api/tasks/abc%2Fdef').set('Authorization', h.bearer(testUsers.alice)), 404, 'not_found');
  });
});

describe(onEngine('a task of a suspended instance'), () => {
  it('cannot be completed: 409 conflict, not a 502, and the task stays open until the instance is active again', async () => {
    const started = await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer()).send({ businessKey: uniqueKey('suspended'), variables: { customerName: 'ACME', amount: 1 } });
    expect(started.status).toBe(201);
    const [task] = await tasksOfInstance(started.body.id);
    expect((await engineDirect('PUT', `/process-instance/${started.body.id}/suspended`, { suspended: true })).status).toBe(204);
    const refused = await request(h.app).post(`/api/tasks/${task!.id}/complete`).set('Authorization', h.bearer()).send({ variables: { approved: true } });
    expect(expectEnvelope(refused, 409, 'conflict').detail).toMatch(/suspended/);
    expect((await tasksOfInstance(started.body.id)).map((open) => open.id)).toEqual([task!.id]);
    expect((await engineDirect('PUT', `/process-instance/${started.body.id}/suspended`, { suspended: false })).status).toBe(204);
    expect((await request(h.app).post(`/api/tasks/${task!.id}/complete`).set('Authorization', h.bearer()).send({ variables: { approved: true } })).status).toBe(200);
  });
});
