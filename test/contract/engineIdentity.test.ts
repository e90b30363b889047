/**
 * The engine's own records name the Clerk user (engine-identity-plugin/): with ENGINE_IDENTITY_SECRET
 * the proxy signs who it acts for, and the real engine's user operation log says so; a header
 * that is forged, stale, replayed or moved to another request is refused with 401, and never
 * quietly becomes the BasicAuth user.
 */
import { randomBytes } from 'node:crypto';
import { initiatorTaskProcess } from '../support/bpmn.js';
import request from 'supertest';
import { startEngine, type RunningEngine } from '../../scripts/engine.js';
import { createIdentitySigner, ENGINE_IDENTITY_HEADER, type EngineIdentity } from '../../src/engine/engineIdentity.js';
import { testOrgs } from '../support/clerkTokens.js';
import {
  ENGINE_AUTH,
  engineTestUrl,
  engineUnderTest,
  expectEnvelope,
  onEngine,
  startContractProxy,
  testUsers,
  uniqueKey,
  type ContractProxy,
  type EngineTask,
} from '../support/contractHarness.js';

const alice = testUsers.alice;
const manager = testUsers.manager;
const acmeAdmin = testUsers.admin;

let engineUrl: string;
let secret: string;
let ownEngine: RunningEngine | undefined;
let h: ContractProxy;

/** The engine's admin group: the plugin never takes it from the header (Camunda's camunda-admin, Operaton's operaton-admin). */
const engineAdminGroup = `${engineUnderTest.flavour}-admin`;

beforeAll(async () => {
  // The project's engine runs with the plugin, with its own secret (contractEngine.ts); one given by
  // ENGINE_TEST_URL_CAMUNDA / _OPERATON may not: then this file starts an engine of the same flavour.
  const suiteSecret = process.env[`ENGINE_TEST_IDENTITY_SECRET_${engineUnderTest.flavour.toUpperCase()}`];
  if (suiteSecret) {
    secret = suiteSecret;
    engineUrl = engineTestUrl();
  } else {
    secret = randomBytes(32).toString('base64url');
    ownEngine = await startEngine({ flavour: engineUnderTest.flavour, identitySecret: secret });
    engineUrl = ownEngine.url;
  }
  h = startContractProxy({ ENGINE_URL: engineUrl, ENGINE_IDENTITY_SECRET: secret });
}, 240_000);
afterAll(async () => {
  h?.close();
  await ownEngine?.stop();
});

interface OperationLogEntry {
  userId: string | null;
  operationType: string;
  entityType: string;
  taskId: string | null;
  processInstanceId: string | null;
  property: string | null;
  newValue: string | null;
}

/** Straight to the engine: BasicAuth demo:demo unless `basic` is null, plus any extra headers. */
async function engine<T = unknown>(method: string, path: string, options: { headers?: Record<string, string>; body?: unknown; basic?: string | null } = {}) {
  const basic = options.basic === undefined ? ENGINE_AUTH : options.basic;
  const res = await fetch(`${engineUrl}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(basic !== null && { authorization: `Basic ${Buffer.from(basic).toString('base64')}` }),
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}

async function operations(query: string): Promise<OperationLogEntry[]> {
  const answer = await engine<OperationLogEntry[]>('GET', `/history/user-operation?${query}&sortBy=timestamp&sortOrder=asc`);
  expect(answer.status).toBe(200);
  return answer.json;
}

// The harness's own engine helpers ask the project's engine, which may not be the engine with the plugin.
const tasksOfInstance = async (instanceId: string) => (await engine<EngineTask[]>('GET', `/task?processInstanceId=${instanceId}`)).json;
const instancesByBusinessKey = async (businessKey: string) => (await engine<unknown[]>('GET', `/process-instance?businessKey=${businessKey}`)).json;

const enginePath = (path: string) => `${new URL(engineUrl).pathname}${path}`;

async function startOrder(businessKey: string): Promise<string> {
  const res = await request(h.app)
    .post('/api/processes/order/start')
    .set('Authorization', h.bearer(alice))
    .send({ businessKey, variables: { customerName: 'ACME', amount: 10 } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe(onEngine('through the proxy, the engine records the Clerk user'), () => {
  it('for complete, claim, suspend and delete', async () => {
    const ordered = await startOrder(uniqueKey('identity-order'));
    const [review] = await tasksOfInstance(ordered);
    expect((await request(h.app).post(`/api/tasks/${review!.id}/complete`).set('Authorization', h.bearer(alice)).send({ variables: { approved: true } })).status).toBe(200);
    const [approval] = await tasksOfInstance(ordered);
    expect(approval!.taskDefinitionKey).toBe('approveOrder');
    expect((await request(h.app).post(`/api/tasks/${approval!.id}/claim`).set('Authorization', h.bearer(manager))).status).toBeLessThan(300);
    expect((await request(h.app).post(`/api/tasks/${approval!.id}/complete`).set('Authorization', h.bearer(manager)).send({})).status).toBe(200);

    const dropped = await startOrder(uniqueKey('identity-dropped'));
    expect((await request(h.app).post(`/api/instances/${dropped}/suspend`).set('Authorization', h.bearer(alice))).status).toBe(200);
    expect((await request(h.app).delete(`/api/instances/${dropped}`).set('Authorization', h.bearer(alice))).status).toBe(200);

    const who = (entries: OperationLogEntry[], operationType: string, entityType: string) =>
      [...new Set(entries.filter((entry) => entry.operationType === operationType && entry.entityType === entityType).map((entry) => entry.userId))];
    const orderLog = await operations(`processInstanceId=${ordered}`);
    expect(who(orderLog.filter((entry) => entry.taskId === review!.id), 'Complete', 'Task')).toEqual([alice.id]);
    expect(who(orderLog.filter((entry) => entry.taskId === approval!.id), 'Claim', 'Task')).toEqual([manager.id]);
    expect(who(orderLog.filter((entry) => entry.taskId === approval!.id), 'Complete', 'Task')).toEqual([manager.id]);
    const droppedLog = await operations(`processInstanceId=${dropped}`);
    expect(who(droppedLog, 'Suspend', 'ProcessInstance')).toEqual([alice.id]);
    expect(who(droppedLog, 'Delete', 'ProcessInstance')).toEqual([alice.id]);
    // Nothing the proxy did for a signed-in user is recorded as the service account.
    expect([...orderLog, ...droppedLog].filter((entry) => entry.userId === 'demo')).toEqual([]);
  });
});

describe(onEngine('a proxy whose secret the engine does not share'), () => {
  it('gets 502 engine_unavailable, and nothing is done as the BasicAuth user instead', async () => {
    const wrong = startContractProxy({ ENGINE_URL: engineUrl, ENGINE_IDENTITY_SECRET: `${secret}-but-not-the-engines` });
    const businessKey = uniqueKey('identity-wrong-secret');
    try {
      const res = await request(wrong.app)
        .post('/api/processes/order/start')
        .set('Authorization', wrong.bearer(alice))
        .send({ businessKey, variables: { customerName: 'ACME', amount: 10 } });
      expect(expectEnvelope(res, 502, 'engine_unavailable').detail).toMatch(/ENGINE_IDENTITY_SECRET/);
      expect(await instancesByBusinessKey(businessKey)).toEqual([]);
    } finally {
      wrong.close();
    }
  });
});

describe(onEngine('straight to the engine, the identity header'), () => {
  const someone: EngineIdentity = { userId: 'user_2directTESTtestTESTtestTE', groups: ['managers'], tenants: [alice.orgId] };
  let taskId: string;
  let assign: string;
  const sign = (identity: EngineIdentity, method: string, path: string, options: { secret?: string; now?: number } = {}) =>
    createIdentitySigner(options.secret ?? secret, {
      now: () => options.now ?? Date.now(),
      nonce: () => randomBytes(16).toString('base64url'),
    })(identity, method, enginePath(path));

  beforeAll(async () => {
    const [review] = await tasksOfInstance(await startOrder(uniqueKey('identity-direct')));
    taskId = review!.id;
    assign = `/task/${taskId}/assignee`;
  });

  const assignAs = (header: string | undefined, basic?: string | null) =>
    engine('POST', assign, { body: { userId: 'someone-else' }, basic, headers: header === undefined ? {} : { [ENGINE_IDENTITY_HEADER]: header } });

  // Every row names its BasicAuth (undefined: demo:demo), so jest never passes `done` in its place.
  it.each<[string, () => string, string | null | undefined]>([
    ['forged: signed with another secret', () => sign(someone, 'POST', assign, { secret: `${secret}-not-the-engines` }), undefined],
    ['edited: another user put into a signed header', () => {
      const [version, , signature] = sign(someone, 'POST', assign).split('.');
      const payload = Buffer.from(`user_2mallory\nmanagers\n${alice.orgId}\n${Date.now()}\n${randomBytes(16).toString('base64url')}`).toString('base64url');
      return `${version}.${payload}.${signature}`;
    }, undefined],
    ['stale: signed a minute ago', () => sign(someone, 'POST', assign, { now: Date.now() - 60_000 }), undefined],
    ['moved to another path', () => sign(someone, 'POST', `/task/${taskId}/claim`), undefined],
    ['moved to another method', () => sign(someone, 'GET', assign), undefined],
    ['valid, but without BasicAuth', () => sign(someone, 'POST', assign), null],
    ['valid, but with a wrong BasicAuth password', () => sign(someone, 'POST', assign), 'demo:wrong'],
    ['not a signed header at all', () => 'user_2mallory', undefined],
  ])('is refused with 401 when %s', async (_name, header, basic) => {
    expect((await assignAs(header(), basic)).status).toBe(401);
  });

  it('is accepted once when valid, and a replay is refused with 401', async () => {
    const header = sign(someone, 'POST', assign);
    expect((await assignAs(header)).status).toBe(204);
    expect((await assignAs(header)).status).toBe(401);
  });

  it('the refused attempts changed nothing and were never recorded as demo', async () => {
    const log = await operations(`taskId=${taskId}`);
    expect(log.filter((entry) => entry.operationType === 'Assign').map((entry) => entry.userId)).toEqual([someone.userId]);
    expect(log.filter((entry) => entry.userId === 'demo')).toEqual([]);
  });

  it('without the header, BasicAuth works exactly as before', async () => {
    const answer = await engine<{ id: string }>('GET', `/task/${taskId}`);
    expect(answer.status).toBe(200);
    expect(answer.json.id).toBe(taskId);
    expect((await engine('GET', `/task/${taskId}`, { basic: 'demo:wrong' })).status).toBe(401);
  });
});

describe(onEngine("the header's tenants are the engine's tenant check"), () => {
  const key = `identityTenant${Date.now().toString(36)}`;
  let instanceId: string;

  beforeAll(async () => {
    // An organisation's own definition, deployed and started through the proxy with the identity on.
    const deployed = await request(h.app)
      .post('/api/deployments')
      .set('Authorization', h.bearer(acmeAdmin))
      .field('deployment-name', uniqueKey('identity-tenant'))
      .attach('data', Buffer.from(initiatorTaskProcess(key, 'ACME')), `${key}.bpmn`);
    expect({ status: deployed.status, tenantId: deployed.body.tenantId }).toEqual({ status: 201, tenantId: testOrgs.acme });
    const deployedBy = await operations(`deploymentId=${deployed.body.id as string}`);
    expect(deployedBy.map((entry) => entry.userId)).toContain(acmeAdmin.id);
    instanceId = await startInstanceOf(key);
  });

  async function startInstanceOf(definitionKey: string): Promise<string> {
    const res = await request(h.app).post(`/api/processes/${definitionKey}/start`).set('Authorization', h.bearer(alice)).send({ variables: {} });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it.each<[string, EngineIdentity['tenants'], number]>([
    ['its own organisation sees the task', [testOrgs.acme], 1],
    ['another organisation does not', [testOrgs.globex], 0],
    ['a personal session (no tenant) does not', [], 0],
    ['every tenant (*) does', 'all', 1],
  ])('%s', async (_name, tenants, expected) => {
    const path = `/task?processInstanceId=${instanceId}`;
    const identity: EngineIdentity = { userId: 'user_2tenantTESTtestTESTtestTE', groups: [], tenants };
    const header = createIdentitySigner(secret)(identity, 'GET', enginePath(path));
    const answer = await engine<unknown[]>('GET', path, { headers: { [ENGINE_IDENTITY_HEADER]: header } });
    expect(answer.status).toBe(200);
    expect(answer.json).toHaveLength(expected);
  });

  it("a group named after the engine's admin group does not lift the tenant check", async () => {
    const path = `/task?processInstanceId=${instanceId}`;
    const identity: EngineIdentity = { userId: 'user_2tenantTESTtestTESTtestTE', groups: [engineAdminGroup], tenants: [testOrgs.globex] };
    const answer = await engine<unknown[]>('GET', path, { headers: { [ENGINE_IDENTITY_HEADER]: createIdentitySigner(secret)(identity, 'GET', enginePath(path)) } });
    expect(answer.json).toEqual([]);
  });
});

