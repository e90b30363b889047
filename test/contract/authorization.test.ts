import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/env.js';
import { loadRouteMap } from '../../src/routes/routeMap.js';
import { createLogger } from '../../src/http/log.js';
import { baseEnv, testSigningKey } from '../support/proxyHarness.js';
import { mintSessionToken } from '../support/clerkTokens.js';
import {
  engineDirect,
  engineTestUrl,
  startContractProxy,
  tasksOfInstance,
  testUsers,
  uniqueKey,
  type ContractProxy,
  type EngineTask,
  onEngine,
} from '../support/contractHarness.js';

const { alice, bob, manager, admin } = testUsers;
let proxy: ContractProxy;
beforeAll(() => {
  proxy = startContractProxy();
});
afterAll(() => proxy.close());

const as = (user: typeof alice) => ({ Authorization: proxy.bearer(user) });
const get = (path: string, user: typeof alice) => request(proxy.app).get(path).set(as(user));
const post = (path: string, user: typeof alice, body: object = {}) => request(proxy.app).post(path).set(as(user)).send(body);
const idsOf = (tasks: { id: string }[]) => tasks.map((task) => task.id);

async function startOrderAs(user: typeof alice): Promise<{ instanceId: string; reviewTask: EngineTask }> {
  const res = await post('/api/processes/order/start', user, { businessKey: uniqueKey('authz'), variables: { customerName: 'ACME', amount: 10 } });
  expect(res.status).toBe(201);
  const [reviewTask] = await tasksOfInstance(res.body.id);
  return { instanceId: res.body.id, reviewTask: reviewTask! };
}

describe(onEngine("alice's order is hers"), () => {
  let instanceId: string;
  let reviewTask: EngineTask;
  beforeAll(async () => {
    ({ instanceId, reviewTask } = await startOrderAs(alice));
  });

  it('its first task is assigned to alice, and she sees it', async () => {
    expect(reviewTask.assignee).toBe(alice.id);
    const res = await get(`/api/tasks?processInstanceId=${instanceId}`, alice).expect(200);
    expect(idsOf(res.body)).toEqual([reviewTask.id]);
    await get(`/api/tasks/${reviewTask.id}`, alice).expect(200);
    await get(`/api/tasks/${reviewTask.id}/form`, alice).expect(200);
  });

  it('bob does not see it in his task list, not even filtering by the instance', async () => {
    expect(idsOf((await get('/api/tasks', bob).expect(200)).body)).not.toContain(reviewTask.id);
    expect((await get(`/api/tasks?processInstanceId=${instanceId}`, bob).expect(200)).body).toEqual([]);
  });

  it('?assignee=alice sent by bob does not show him alice\'s tasks', async () => {
    const res = await get(`/api/tasks?assignee=${alice.id}`, bob);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it.each([
    ['read it', () => get(`/api/tasks/${reviewTask.id}`, bob)],
    ['read its form', () => get(`/api/tasks/${reviewTask.id}/form`, bob)],
    ['complete it', () => post(`/api/tasks/${reviewTask.id}/complete`, bob, { variables: { approved: true } })],
    ['claim it', () => post(`/api/tasks/${reviewTask.id}/claim`, bob)],
    ['unclaim it', () => post(`/api/tasks/${reviewTask.id}/unclaim`, bob)],
    ['read the instance', () => get(`/api/instances/${instanceId}`, bob)],
    ['read the instance variables', () => get(`/api/instances/${instanceId}/variables`, bob)],
  ])('bob cannot %s: 404, the same as for something that does not exist', async (_what, call) => {
    const res = await call();
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
    expect(res.text).not.toContain(alice.id);
  });

  it('answers 404 with the same detail for someone else\'s task and for no task at all', async () => {
    const hidden = await get(`/api/tasks/${reviewTask.id}`, bob);
    const missing = await get('/api/tasks/no-such-task', bob);
    expect(hidden.body.detail.replace(reviewTask.id, 'X')).toBe(missing.body.detail.replace('no-such-task', 'X'));
  });

  it('nothing bob tried changed the task', async () => {
    const [task] = await tasksOfInstance(instanceId);
    expect(task).toMatchObject({ id: reviewTask.id, assignee: alice.id });
  });

  it('bob cannot claim it for alice or anyone else: 403', async () => {
    const res = await post(`/api/tasks/${reviewTask.id}/claim`, bob, { userId: alice.id });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('forbidden');
  });

  it('alice sees her instance in her list and may read it; bob does not', async () => {
    expect(idsOf((await get('/api/instances', alice).expect(200)).body)).toContain(instanceId);
    expect(idsOf((await get('/api/instances', bob).expect(200)).body)).not.toContain(instanceId);
    await get(`/api/instances/${instanceId}`, alice).expect(200);
    const variables = await get(`/api/instances/${instanceId}/variables`, alice).expect(200);
    expect(variables.body.initiator.value).toBe(alice.id);
  });

  it('client filters narrow alice\'s instance list but cannot widen it', async () => {
    const narrowed = await get(`/api/instances?processDefinitionKey=leaveRequest`, alice).expect(200);
    expect(idsOf(narrowed.body)).not.toContain(instanceId);
    const everyone = await get(`/api/instances?processDefinitionKey=order`, bob).expect(200);
    expect(idsOf(everyone.body)).not.toContain(instanceId);
  });

  it('the admin sees everything', async () => {
    expect(idsOf((await get(`/api/tasks?processInstanceId=${instanceId}`, admin).expect(200)).body)).toEqual([reviewTask.id]);
    expect(idsOf((await get('/api/instances?processDefinitionKey=order', admin).expect(200)).body)).toContain(instanceId);
    await get(`/api/tasks/${reviewTask.id}`, admin).expect(200);
    await get(`/api/instances/${instanceId}/variables`, admin).expect(200);
  });
});

describe(onEngine('the managers task'), () => {
  let instanceId: string;
  let approveTask: EngineTask;
  beforeAll(async () => {
    const started = await startOrderAs(alice);
    instanceId = started.instanceId;
    await post(`/api/tasks/${started.reviewTask.id}/complete`, alice, { variables: { approved: true } }).expect(200);
    [approveTask] = (await tasksOfInstance(instanceId)) as [EngineTask];
    expect(approveTask.taskDefinitionKey).toBe('approveOrder');
  });

  it('is visible to the manager, through the managers group, and not to alice or bob', async () => {
    expect(idsOf((await get(`/api/tasks?processInstanceId=${instanceId}`, manager).expect(200)).body)).toEqual([approveTask.id]);
    expect((await get(`/api/tasks?processInstanceId=${instanceId}`, alice).expect(200)).body).toEqual([]);
    await get(`/api/tasks/${approveTask.id}`, manager).expect(200);
    await get(`/api/tasks/${approveTask.id}`, alice).expect(404);
  });

  it('lets the manager read the instance, as someone eligible for one of its tasks', async () => {
    await get(`/api/instances/${instanceId}/variables`, manager).expect(200);
    await get(`/api/instances/${instanceId}`, bob).expect(404);
  });

  it('alice cannot complete it or claim it', async () => {
    await post(`/api/tasks/${approveTask.id}/complete`, alice, { variables: {} }).expect(404);
    await post(`/api/tasks/${approveTask.id}/claim`, alice).expect(404);
    expect((await tasksOfInstance(instanceId))[0]!.assignee).toBeNull();
  });

  it('the manager claims it for themselves; then it is theirs alone', async () => {
    await post(`/api/tasks/${approveTask.id}/claim`, manager).expect(200);
    expect((await tasksOfInstance(instanceId))[0]!.assignee).toBe(manager.id);
    await post(`/api/tasks/${approveTask.id}/unclaim`, alice).expect(404);
  });

  it('the manager unclaims it; unclaiming a task that is not yours is 403', async () => {
    await post(`/api/tasks/${approveTask.id}/unclaim`, manager).expect(200);
    expect((await tasksOfInstance(instanceId))[0]!.assignee).toBeNull();
    const res = await post(`/api/tasks/${approveTask.id}/unclaim`, manager);
    expect(res.status).toBe(403);
  });

  it('the manager completes it unclaimed, in two engine calls; completedBy records who', async () => {
    await post(`/api/tasks/${approveTask.id}/complete`, manager, { variables: { managerApproved: true } }).expect(200);
    expect(await tasksOfInstance(instanceId)).toEqual([]);
    const history = await engineDirect<{ assignee: string | null }[]>('GET', `/history/task?taskId=${approveTask.id}`);
    expect(history.json[0]!.assignee).toBeNull();
    const completedBy = await engineDirect<{ value: string }[]>('GET', `/history/variable-instance?processInstanceId=${instanceId}&variableName=completedBy`);
    expect(completedBy.json.map((variable) => variable.value)).toContain(manager.id);
  });
});

describe(onEngine('rules declared in the route map'), () => {
  const extraRoutesFile = join(tmpdir(), `routes-authz-${process.pid}.json`);
  let configured: ContractProxy;
  beforeAll(() => {
    const shipped = JSON.parse(readFileSync('routes.config.json', 'utf8')) as { routes: object[]; processes: object };
    shipped.routes.push({ method: 'GET', path: '/api/history/instances', engine: '/history/process-instance', allow: { roles: ['org:managers'] } });
    shipped.processes = { leaveRequest: { start: { roles: ['org:managers'] } } };
    writeFileSync(extraRoutesFile, JSON.stringify(shipped));
    configured = startContractProxy({ ROUTES_CONFIG: extraRoutesFile });
  });
  afterAll(() => configured.close());

  it('a config-added route with allow rejects a user without the role and accepts one with it', async () => {
    const denied = await request(configured.app).get('/api/history/instances?maxResults=1').set('Authorization', configured.bearer(alice));
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('forbidden');
    const allowed = await request(configured.app).get('/api/history/instances?maxResults=1').set('Authorization', configured.bearer(manager));
    expect(allowed.status).toBe(200);
    expect(Array.isArray(allowed.body)).toBe(true);
  });

  it('a process limited to a role can only be started by it; others stay open', async () => {
    const businessKey = uniqueKey('limited');
    const denied = await request(configured.app).post('/api/processes/leaveRequest/start').set('Authorization', configured.bearer(alice)).send({ businessKey, variables: { days: 2 } });
    expect(denied.status).toBe(403);
    expect((await engineDirect<unknown[]>('GET', `/process-instance?businessKey=${businessKey}`)).json).toEqual([]);
    await request(configured.app).post('/api/processes/leaveRequest/start').set('Authorization', configured.bearer(manager)).send({ variables: { days: 2 } }).expect(201);
    await request(configured.app).post('/api/processes/order/start').set('Authorization', configured.bearer(alice)).send({ variables: {} }).expect(201);
  });
});

describe(onEngine('decision log'), () => {
  it('logs every decision at debug as user, route, policy and outcome, without tokens', async () => {
    const lines: string[] = [];
    const config = loadConfig({ ...baseEnv(testSigningKey(), engineTestUrl()), LOG_LEVEL: 'debug' });
    const app = createApp(config, loadRouteMap(config.routesConfigPath), { log: createLogger('debug', { write: (line) => lines.push(line) }), accessLogSink: { write: () => true } });
    try {
      const token = mintSessionToken(testSigningKey(), bob);
      await request(app.app).get('/api/tasks/no-such-task').set('Authorization', `Bearer ${token}`).expect(404);
      await request(app.app).get('/api/tasks').set('Authorization', `Bearer ${token}`).expect(200);
      const decisions = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'authorization');
      expect(decisions).toEqual([
        expect.objectContaining({ level: 'debug', userId: bob.id, route: 'tasks.get', policy: 'task', outcome: 'deny' }),
        expect.objectContaining({ level: 'debug', userId: bob.id, route: 'tasks.list', policy: 'taskList', outcome: 'allow' }),
      ]);
      expect(lines.join('')).not.toContain(token.split('.')[2]);
    } finally {
      app.close();
    }
  });
});
