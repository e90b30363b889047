import request from 'supertest';
import { testUsers, type SessionUser } from '../support/clerkTokens.js';
import { expectDocumented } from '../support/documentedAnswers.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';
import type { AuditRecord } from '../../src/audit/auditRecord.js';

/** Every line the proxy wrote to standard output; audit records are the `"msg":"audit"` ones. */
function collectingSink() {
  const lines: string[] = [];
  return {
    sink: { write: (line: string) => lines.push(line) },
    audit: () => lines.map((line) => JSON.parse(line) as { msg: string } & AuditRecord).filter((line) => line.msg === 'audit'),
    clear: () => lines.splice(0),
  };
}

const otherOrgAdmin = { ...testUsers.admin, id: 'user_2otherAdminTESTtestTESTte', orgId: 'org_2otherTESTtestTESTtestTESTt', orgSlug: 'other' };
const ACME = testUsers.alice.orgId;

/** The record of the last action, once the proxy has written it (it is written when the answer closes). */
async function lastRecord(out: ReturnType<typeof collectingSink>): Promise<AuditRecord> {
  for (let i = 0; i < 50 && out.audit().length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  const records = out.audit();
  expect(records).toHaveLength(1);
  return records[0]!;
}

describe('the audit trail (JSON lines, and GET /api/audit without a database)', () => {
  const out = collectingSink();
  let h: ProxyHarness;
  beforeAll(async () => {
    h = await startProxyHarness({}, { deps: { accessLogSink: out.sink } });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.engine.reset();
    out.clear();
  });

  it('records a start: who, which organisation, the process key, the instance it created and the variable names, never their values or the token', async () => {
    const token = h.tokenFor(testUsers.bob);
    const res = await request(h.app)
      .post('/api/processes/order/start')
      .set('Authorization', `Bearer ${token}`)
      .send({ variables: { amount: 1000, secret: 'do not log me' } })
      .expect(201);
    const record = await lastRecord(out);
    expect(record).toMatchObject({
      userId: testUsers.bob.id,
      orgId: ACME,
      machineId: null,
      routeId: 'process.start',
      method: 'POST',
      path: '/api/processes/order/start',
      status: 201,
      outcome: 'done',
      objects: { processDefinitionKey: 'order', processInstanceId: res.body.id },
      variables: ['amount', 'secret'],
      requestId: res.headers['x-request-id'],
    });
    expect(record.id).toMatch(/^[0-9a-f-]{36}$/);
    const line = JSON.stringify(record);
    expect(line).not.toContain('do not log me');
    expect(line).not.toContain(token);
  });

  it('records a completion with the task id and the variable names', async () => {
    h.engine.answer('POST', '/engine-rest/task', { status: 200, body: [{ id: 't-9', assignee: testUsers.alice.id, processInstanceId: 'p-9' }] });
    await request(h.app).post('/api/tasks/t-9/complete').set('Authorization', h.bearer()).send({ variables: { approved: true } }).expect(200);
    expect(await lastRecord(out)).toMatchObject({ userId: testUsers.alice.id, routeId: 'task.complete', outcome: 'done', objects: { taskId: 't-9' }, variables: ['approved'] });
  });

  it('records a refusal by a policy (404: not a task the caller may reach) as refused, and the engine did not act', async () => {
    h.engine.answer('POST', '/engine-rest/task', { status: 200, body: [] });
    await request(h.app).post('/api/tasks/t-other/claim').set('Authorization', h.bearer()).send({}).expect(404);
    expect(await lastRecord(out)).toMatchObject({ userId: testUsers.alice.id, routeId: 'task.claim', status: 404, outcome: 'refused', objects: { taskId: 't-other' } });
    expect(h.engine.requests.filter((r) => r.url.includes('/claim'))).toHaveLength(0);
  });

  it('records an engine refusal as failed', async () => {
    h.engine.answer('POST', '/engine-rest/process-definition/key/order/start', { status: 400, body: { type: 'InvalidRequestException', message: 'nope' } });
    await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer()).send({}).expect(400);
    expect(await lastRecord(out)).toMatchObject({ routeId: 'process.start', status: 400, outcome: 'failed' });
    out.clear();
    h.engine.answer('POST', '/engine-rest/process-definition/key/order/start', { status: 500, body: { type: 'ProcessEngineException', message: 'boom' } });
    await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer()).send({}).expect(502);
    expect(await lastRecord(out)).toMatchObject({ routeId: 'process.start', status: 502, outcome: 'failed' });
  });

  it('records a call without a token (401) as refused, with no user', async () => {
    await request(h.app).delete('/api/instances/p-1').expect(401);
    expect(await lastRecord(out)).toMatchObject({ userId: null, orgId: null, method: 'DELETE', path: '/api/instances/p-1', status: 401, outcome: 'refused' });
  });

  it('records fair-use refusals (429) as refused', async () => {
    const limited = await startProxyHarness({ RATE_LIMIT_WRITES: '1/minute' }, { deps: { accessLogSink: out.sink }, engine: h.engine });
    try {
      await request(limited.app).post('/api/tasks/t-1/unclaim').set('Authorization', limited.bearer(testUsers.manager)).send({});
      out.clear();
      await request(limited.app).post('/api/tasks/t-1/unclaim').set('Authorization', limited.bearer(testUsers.manager)).send({}).expect(429);
      expect(await lastRecord(out)).toMatchObject({ userId: testUsers.manager.id, status: 429, outcome: 'refused', path: '/api/tasks/t-1/unclaim' });
    } finally {
      await limited.close();
    }
  });

  it('records no reads, and nothing on the open endpoints', async () => {
    await request(h.app).get('/api/processes').set('Authorization', h.bearer()).expect(200);
    await request(h.app).get('/health').expect(200);
    await request(h.app).post('/health').send({});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(out.audit()).toEqual([]);
  });

  it('GET /api/audit: an organisation admin reads their organisation records, filtered by object, user and time, newest first and paged', async () => {
    const before = new Date(Date.now() - 1).toISOString();
    for (const key of ['order', 'leaveRequest']) {
      await request(h.app).post(`/api/processes/${key}/start`).set('Authorization', h.bearer(testUsers.bob)).send({}).expect(201);
    }
    await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer(otherOrgAdmin)).send({}).expect(201);
    const read = (query: string, user: SessionUser = testUsers.admin) => request(h.app).get(`/api/audit${query}`).set('Authorization', h.bearer(user));

    const answer = await read(`?userId=${testUsers.bob.id}&from=${before}`).expect(200);
    await expectDocumented(h, '/api/audit', answer);
    const mine = answer.body as AuditRecord[];
    expect(mine.map((r) => r.objects.processDefinitionKey)).toEqual(['leaveRequest', 'order']);
    expect((await read('?objectId=leaveRequest').expect(200)).body).toHaveLength(1);
    expect((await read(`?from=${before}&maxResults=1&firstResult=1`).expect(200)).body).toEqual([expect.objectContaining({ objects: expect.objectContaining({ processDefinitionKey: 'order' }) })]);
    // The other organisation's start is invisible to this admin, and this organisation's to the other admin.
    const acme = (await read(`?from=${before}`).expect(200)).body as AuditRecord[];
    expect(acme.every((r) => r.orgId === ACME)).toBe(true);
    expect(acme).toHaveLength(2);
    const other = (await read(`?from=${before}`, otherOrgAdmin).expect(200)).body as AuditRecord[];
    expect(other.map((r) => r.userId)).toEqual([otherOrgAdmin.id]);
    expect((await read(`?userId=${testUsers.bob.id}`, otherOrgAdmin).expect(200)).body).toEqual([]);
  });

  it('GET /api/audit: refuses members (403), unknown filters and bad times (400)', async () => {
    await request(h.app).get('/api/audit').set('Authorization', h.bearer(testUsers.bob)).expect(403);
    const bad = async (query: string) => (await request(h.app).get(`/api/audit${query}`).set('Authorization', h.bearer(testUsers.admin)).expect(400)).body.detail as string;
    expect(await bad('?orgId=org_x')).toMatch(/unknown query parameter 'orgId'/);
    expect(await bad('?from=yesterday')).toMatch(/ISO-8601/);
    expect(await bad('?maxResults=100000')).toMatch(/maxResults/);
    expect(await bad('?userId=a&userId=b')).toMatch(/once/);
  });
});

describe('AUDIT_VARIABLES and AUDIT_LOG', () => {
  it('values: records the variables as sent', async () => {
    const out = collectingSink();
    const h = await startProxyHarness({ AUDIT_VARIABLES: 'values' }, { deps: { accessLogSink: out.sink } });
    try {
      await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer()).send({ variables: { amount: 7 } }).expect(201);
      expect((await lastRecord(out)).variables).toEqual({ amount: 7 });
    } finally {
      await h.close();
    }
  });

  it('off: writes no audit lines, and GET /api/audit still answers from memory', async () => {
    const out = collectingSink();
    const h = await startProxyHarness({ AUDIT_LOG: 'off' }, { deps: { accessLogSink: out.sink } });
    try {
      await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer()).send({}).expect(201);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(out.audit()).toEqual([]);
      const records = (await request(h.app).get('/api/audit').set('Authorization', h.bearer(testUsers.admin)).expect(200)).body as AuditRecord[];
      expect(records).toEqual([expect.objectContaining({ routeId: 'process.start', userId: testUsers.alice.id })]);
    } finally {
      await h.close();
    }
  });
});
