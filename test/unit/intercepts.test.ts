import request from 'supertest';
import { testUsers } from '../support/clerkTokens.js';
import { createLogger } from '../../src/http/log.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness({ BODY_LIMIT: '2kb' });
});
afterAll(() => h.close());
beforeEach(() => h.engine.reset());

/** The task the completion tests act on is assigned to the caller, so the policy lets it through. */
function assignTaskTo(user: { id: string }): void {
  h.engine.answer('POST', '/engine-rest/task', { status: 200, body: [{ id: 't-1', assignee: user.id, processInstanceId: 'p-1' }] });
}

const start = (body: unknown, user = testUsers.alice) =>
  request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer(user)).send(body as object);
const complete = (body: unknown, user = testUsers.alice) =>
  request(h.app).post('/api/tasks/t-1/complete').set('Authorization', h.bearer(user)).send(body as object);

describe('starting a process', () => {
  it('sends typed variables and stamps the initiator, answering 201', async () => {
    const res = await start({
      businessKey: 'order-1',
      variables: { customerName: 'ACME', amount: 1000, big: 3_000_000_000, ratio: 0.5, urgent: true, note: null, items: [{ sku: 'a' }] },
    });
    expect(res.status).toBe(201);
    expect(res.body.id).toEqual(expect.any(String));
    const sent = h.engine.lastRequest()!;
    expect(sent.url).toBe('/engine-rest/process-definition/key/order/start');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.json).toEqual({
      businessKey: 'order-1',
      variables: {
        customerName: { value: 'ACME', type: 'String' },
        amount: { value: 1000, type: 'Integer' },
        big: { value: 3_000_000_000, type: 'Long' },
        ratio: { value: 0.5, type: 'Double' },
        urgent: { value: true, type: 'Boolean' },
        note: { value: null, type: 'Null' },
        items: { value: '[{"sku":"a"}]', type: 'Json' },
        initiator: { value: testUsers.alice.id, type: 'String' },
        initiatorEmail: { value: testUsers.alice.email, type: 'String' },
        initiatorName: { value: testUsers.alice.name, type: 'String' },
        initiatorOrgId: { value: testUsers.alice.orgId, type: 'String' },
      },
    });
  });

  it('accepts a start without a body', async () => {
    const res = await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer()).set('Content-Type', 'application/json').send('{}');
    expect(res.status).toBe(201);
    expect(Object.keys((h.engine.lastRequest()!.json as { variables: object }).variables)).toEqual(['initiator', 'initiatorEmail', 'initiatorName', 'initiatorOrgId']);
  });

  it('passes already-typed variables through', async () => {
    await start({ variables: { total: { value: 5, type: 'Long' }, when: { value: '2026-01-02T03:04:05.000Z', type: 'Date' } } }).expect(201);
    expect((h.engine.lastRequest()!.json as { variables: object }).variables).toMatchObject({
      total: { value: 5, type: 'Long' },
      when: { value: '2026-01-02T03:04:05.000+0000', type: 'Date' },
    });
  });

  it.each(['initiator', 'initiatorEmail', 'initiatorName', 'initiatorOrgId', 'completedBy', 'completedByEmail', 'completedByName'])(
    'leaves out a client-sent proxy-owned %s: the engine gets only the stamps, naming the caller',
    async (name) => {
      const res = await start({ variables: { [name]: { value: 'someone-else', type: 'String' }, customerName: 'ACME' } });
      expect(res.status).toBe(201);
      const variables = (h.engine.lastRequest()!.json as { variables: Record<string, { value: unknown }> }).variables;
      expect(Object.keys(variables).sort()).toEqual(['customerName', 'initiator', 'initiatorEmail', 'initiatorName', 'initiatorOrgId']);
      expect(variables.initiator!.value).toBe(testUsers.alice.id);
      expect(JSON.stringify(variables)).not.toContain('someone-else');
    },
  );

  it('records the left-out names in a debug log line, without their values', async () => {
    const lines: string[] = [];
    const debug = await startProxyHarness({}, { deps: { log: createLogger('debug', { write: (line: string) => lines.push(line) }) } });
    try {
      await request(debug.app).post('/api/processes/order/start').set('Authorization', debug.bearer()).send({ variables: { initiator: 'forged-id', a: 1 } }).expect(201);
      const entry = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'proxy-owned variables left out');
      expect(entry).toMatchObject({ level: 'debug', route: 'process.start', userId: testUsers.alice.id, names: ['initiator'] });
      expect(JSON.stringify(entry)).not.toContain('forged-id');
    } finally {
      debug.close();
    }
  });

  it.each([
    ['a non-object body', '"just a string"', /JSON object/],
    ['an array body', '[1,2]', /JSON object/],
    ['variables that are not an object', '{"variables":[1]}', /variables/],
    ['an unknown field', '{"variables":{},"tenant":"x"}', /unknown field 'tenant'/],
    ['a non-string businessKey', '{"businessKey":5}', /businessKey/],
    ['broken JSON', '{"variables":', /not valid JSON/],
    ['an integer beyond 2^53', '{"variables":{"big":9007199254740993}}', /'big'.*2\^53/],
    ['a Date that is not ISO-8601', '{"variables":{"when":{"type":"Date","value":"yesterday"}}}', /'when'/],
  ])('rejects %s with 400, and the engine sees nothing', async (_name, raw, detail) => {
    const res = await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer()).set('Content-Type', 'application/json').send(raw);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', detail: expect.stringMatching(detail) });
    expect(h.engine.requests).toHaveLength(0);
  });

  it('rejects a body that is not JSON with 415', async () => {
    const res = await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer()).set('Content-Type', 'text/plain').send('variables=1');
    expect(res.status).toBe(415);
    expect(res.body.error).toBe('unsupported_media_type');
    expect(h.engine.requests).toHaveLength(0);
  });

  it.each(['latin1', 'ISO-8859-1', 'utf-16', '"windows-1252"'])('rejects a JSON body in charset=%s with 415 naming the charset, and the engine sees nothing', async (charset) => {
    const res = await request(h.app)
      .post('/api/processes/order/start')
      .set('Authorization', h.bearer())
      .set('Content-Type', `application/json; charset=${charset}`)
      .send('{"variables":{"name":"Jos\xe9"}}');
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ error: 'unsupported_media_type', detail: expect.stringContaining(charset.replace(/"/g, '').toLowerCase()) });
    expect(h.engine.requests).toHaveLength(0);
  });

  it.each(['application/json; charset', 'application/json; charset="utf-8', 'application/json; charset=utf-8; charset=latin1'])(
    'rejects %s, a charset the engine might read otherwise, with 415',
    async (contentType) => {
      const res = await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer()).set('Content-Type', contentType).send('{}');
      expect(res.status).toBe(415);
      expect(res.body.detail).toMatch(/charset/);
      expect(h.engine.requests).toHaveLength(0);
    },
  );

  it.each(['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'application/json; charset="utf8"'])('accepts a JSON body sent as %s', async (contentType) => {
    const res = await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer()).set('Content-Type', contentType).send('{"variables":{"name":"José"}}');
    expect(res.status).toBe(201);
    expect(h.engine.lastRequest()!.json).toMatchObject({ variables: { name: { value: 'José', type: 'String' } } });
  });

  it('rejects a body over BODY_LIMIT with 413', async () => {
    const res = await start({ variables: { blob: 'x'.repeat(4096) } });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
    expect(h.engine.requests).toHaveLength(0);
  });
});

describe('completing a task', () => {
  it('sends typed variables and stamps who completed it, answering 200 with the task, its instance and who', async () => {
    assignTaskTo(testUsers.bob);
    const res = await complete({ variables: { approved: true, comments: 'Looks good' } }, testUsers.bob);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({ id: 't-1', processInstanceId: 'p-1', completedBy: testUsers.bob.id });
    expect(h.engine.lastRequest()!.json).toEqual({
      variables: {
        approved: { value: true, type: 'Boolean' },
        comments: { value: 'Looks good', type: 'String' },
        completedBy: { value: testUsers.bob.id, type: 'String' },
        completedByEmail: { value: testUsers.bob.email, type: 'String' },
        completedByName: { value: testUsers.bob.name, type: 'String' },
      },
    });
  });

  it('answers 200 with the variables when withVariablesInReturn is set', async () => {
    assignTaskTo(testUsers.alice);
    const res = await complete({ variables: { approved: true }, withVariablesInReturn: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 't-1', processInstanceId: 'p-1', completedBy: testUsers.alice.id, variables: { approved: { value: true, type: 'Boolean' } } });
    expect(h.engine.lastRequest()!.json).toMatchObject({ withVariablesInReturn: true });
  });

  it.each(['completedBy', 'completedByEmail', 'completedByName', 'initiator', 'initiatorEmail', 'initiatorName'])(
    'leaves out a client-sent proxy-owned %s; the stamps name the caller',
    async (name) => {
      assignTaskTo(testUsers.alice);
      const res = await complete({ variables: { [name]: { value: 'x', type: 'String' }, approved: true } });
      expect(res.status).toBe(200);
      const variables = (h.engine.lastRequest()!.json as { variables: Record<string, { value: unknown }> }).variables;
      expect(Object.keys(variables).sort()).toEqual(['approved', 'completedBy', 'completedByEmail', 'completedByName']);
      expect(variables.completedBy!.value).toBe(testUsers.alice.id);
    },
  );

  it('does not take a businessKey', async () => {
    assignTaskTo(testUsers.alice);
    const res = await complete({ businessKey: 'x' });
    expect(res.status).toBe(400);
    expect(h.engine.requests).toHaveLength(0);
  });
});
