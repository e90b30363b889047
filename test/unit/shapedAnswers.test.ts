import request from 'supertest';
import { parseRouteMap } from '../../src/routes/routeMap.js';
import { testOrgs, testUsers } from '../support/clerkTokens.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

// The answer mechanism and the fixed engine bodies, with engine faults only the stand-in can make.
let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(() => h.close());
beforeEach(() => h.engine.reset());

const { alice, admin } = testUsers;
// Every instance question also stays inside the caller's organisation (see tenancy.test.ts).
const acmeOnly = { orQueries: [{ variables: [{ name: 'initiatorOrgId', operator: 'eq', value: testOrgs.acme }], tenantIdIn: [testOrgs.acme] }] };
const owns = (count: number) => h.engine.answer('POST', '/engine-rest/process-instance/count', { status: 200, body: { count } });

describe('suspend and activate', () => {
  it('send PUT {"suspended": true} with exact framing, whatever JSON body the client sent, and answer 200 JSON', async () => {
    owns(1);
    h.engine.answer('PUT', '/engine-rest/process-instance/p-1/suspended', { status: 204 });
    const res = await request(h.app).post('/api/instances/p-1/suspend').set('Authorization', h.bearer(alice)).send({ suspended: false, extra: 'x'.repeat(100) });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({ id: 'p-1', suspended: true });
    const sent = h.engine.lastRequest()!;
    expect({ method: sent.method, url: sent.url, body: sent.body }).toEqual({ method: 'PUT', url: '/engine-rest/process-instance/p-1/suspended', body: '{"suspended":true}' });
    expect(sent.headers['content-length']).toBe(String(Buffer.byteLength('{"suspended":true}')));
  });

  it('ask the engine one count query filtered by initiator for a user, by id alone for an administrator', async () => {
    owns(1);
    h.engine.answer('PUT', '/engine-rest/process-instance/p-1/suspended', { status: 204 });
    await request(h.app).post('/api/instances/p-1/activate').set('Authorization', h.bearer(alice)).expect(200);
    expect(h.engine.requests[0]!.json).toEqual({ processInstanceIds: ['p-1'], variables: [{ name: 'initiator', operator: 'eq', value: alice.id }], ...acmeOnly });
    expect(h.engine.requests[1]!.json).toEqual({ suspended: false });
    h.engine.reset();
    owns(1);
    h.engine.answer('PUT', '/engine-rest/process-instance/p-1/suspended', { status: 204 });
    await request(h.app).post('/api/instances/p-1/suspend').set('Authorization', h.bearer(admin)).expect(200);
    expect(h.engine.requests[0]!.json).toEqual({ processInstanceIds: ['p-1'], ...acmeOnly });
  });

  it('refuse a body that is not JSON with 415 before the engine is asked', async () => {
    const res = await request(h.app).post('/api/instances/p-1/suspend').set('Authorization', h.bearer(alice)).set('Content-Type', 'text/plain').send('GET /engine-rest/deployment HTTP/1.1');
    expect(res.status).toBe(415);
    expect(h.engine.requests).toHaveLength(0);
  });
});

describe('shaped answers', () => {
  it('an engine success whose body is not JSON is a 502, not a half-shaped answer', async () => {
    h.engine.answer('GET', '/engine-rest/process-definition/key/order/form-variables', { status: 200, body: 'not json', headers: { 'content-type': 'text/plain' } });
    const res = await request(h.app).get('/api/processes/order/form').set('Authorization', h.bearer(alice));
    expect(res.status).toBe(502);
    expect(res.body.error).toBe('engine_error');
  });

  it('an engine success above 4 MiB is a 502 naming why, not a half-read answer', async () => {
    const huge = { big: { type: 'String', value: 'x'.repeat(4 * 1024 * 1024), valueInfo: {} } };
    h.engine.answer('GET', '/engine-rest/process-definition/key/order/form-variables', { status: 200, body: huge });
    const res = await request(h.app).get('/api/processes/order/form').set('Authorization', h.bearer(alice));
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: 'engine_error', detail: 'the engine answer is too large for the proxy to reshape' });
  });

  it('an engine error answer above 64 KiB is cut there and still mapped with its message', async () => {
    const message = `Cannot find task with id t-1: ${'x'.repeat(200 * 1024)}`;
    h.engine.answer('POST', '/engine-rest/task', { status: 500, body: { type: 'RestException', message } });
    const res = await request(h.app).get('/api/tasks/t-1').set('Authorization', h.bearer(admin));
    expect(res.status).toBe(502);
    expect(res.body.error).toBe('engine_error');
    // The first 64 KiB are not JSON on their own: the detail is the start of the raw text, bounded.
    expect(res.body.detail.length).toBeLessThan(1_000);
    // The engine socket was drained, not abandoned: the next call on it is answered.
    h.engine.answer('GET', '/engine-rest/process-definition', { status: 200, body: [] });
    await request(h.app).get('/api/processes').set('Authorization', h.bearer(admin)).expect(200);
  });

  it('the form answer keeps every field but the six proxy-owned names', async () => {
    const proxyOwned = ['initiator', 'initiatorEmail', 'initiatorName', 'completedBy', 'completedByEmail', 'completedByName'];
    const field = { type: 'String', value: 'x', valueInfo: {} };
    h.engine.answer('GET', '/engine-rest/process-definition/key/order/form-variables', {
      status: 200,
      body: { customerName: field, Initiator: field, ...Object.fromEntries(proxyOwned.map((name) => [name, field])) },
    });
    const res = await request(h.app).get('/api/processes/order/form').set('Authorization', h.bearer(alice));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['Initiator', 'customerName']);
  });

  it('engine errors on a shaped route keep the envelope', async () => {
    owns(1);
    h.engine.answer('DELETE', '/engine-rest/process-instance/p-1', { status: 404, body: { type: 'InvalidRequestException', message: 'No process instance found' } });
    const res = await request(h.app).delete('/api/instances/p-1').set('Authorization', h.bearer(alice)).send({ reason: 'gone' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found', detail: 'No process instance found' });
    expect(h.engine.lastRequest()!.body).toBe('');
  });
});

describe('the route-map switch for a bare 204', () => {
  it('a route without `answer` passes the engine\'s 204 through, with no body', async () => {
    const routeMap = parseRouteMap({
      routes: [
        { id: 'task.claim', method: 'POST', path: '/api/tasks/:id/claim', engine: '/task/:id/claim', policy: 'taskClaim' },
        { id: 'task.complete', method: 'POST', path: '/api/tasks/:id/complete', engine: '/task/:id/complete', intercept: 'completeTask', policy: 'taskComplete' },
      ],
    });
    const bare = await startProxyHarness({}, { routeMap, engine: h.engine });
    try {
      h.engine.answer('POST', '/engine-rest/task', { status: 200, body: [{ id: 't-1', assignee: alice.id, processInstanceId: 'p-1' }] });
      h.engine.answer('POST', /^\/engine-rest\/task\/t-1\/(claim|complete)$/, { status: 204 });
      for (const action of ['claim', 'complete']) {
        const res = await request(bare.app).post(`/api/tasks/t-1/${action}`).set('Authorization', bare.bearer(alice)).send({});
        expect({ action, status: res.status, text: res.text }).toEqual({ action, status: 204, text: '' });
      }
    } finally {
      await bare.close();
    }
  });
});

describe('activity history', () => {
  it.each([
    ['no processInstanceId', ''],
    ['an empty one', '?processInstanceId='],
    ['two', '?processInstanceId=p-1&processInstanceId=p-2'],
    ['one spelt with a percent-encoded name', '?processInstanceId=p-1&processInstance%49d=p-2'],
  ])('refuses %s with 400, and the engine sees nothing', async (_label, query) => {
    const res = await request(h.app).get(`/api/history/activity-instances${query}`).set('Authorization', h.bearer(alice));
    expect(res.status).toBe(400);
    expect(h.engine.requests).toHaveLength(0);
  });

  it('sends the engine exactly the checked id, re-encoded, with the client filters ANDed', async () => {
    h.engine.answer('POST', '/engine-rest/history/process-instance/count', { status: 200, body: { count: 1 } });
    h.engine.answer('GET', '/engine-rest/history/activity-instance', { status: 200, body: [] });
    await request(h.app).get('/api/history/activity-instances?activityType=userTask&processInstanceId=p%2D1').set('Authorization', h.bearer(alice)).expect(200);
    expect(h.engine.requests[0]!.json).toEqual({ processInstanceIds: ['p-1'], variables: [{ name: 'initiator', operator: 'eq', value: alice.id }], ...acmeOnly });
    expect(h.engine.lastRequest()!.url).toBe('/engine-rest/history/activity-instance?activityType=userTask&processInstanceId=p-1');
  });
});
