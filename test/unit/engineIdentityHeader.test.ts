import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { parseRouteMap } from '../../src/routes/routeMap.js';
import { mintMachineToken, testUsers } from '../support/clerkTokens.js';
import type { RecordedRequest } from '../support/engineStandIn.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

const secret = 'identity-secret-for-tests-0123456789abcdef';
const alice = testUsers.alice;
const operator = testUsers.admin;
const forged = 'v1.dXNlcl8ybWFsbG9yeQpjYW11bmRhLWFkbWluCioKMApub25jZS1ub25jZS1ub25jZQ.AAAA';

// The shipped route map, plus a passthrough path every signed-in user may use.
const routes = JSON.parse(readFileSync('routes.config.json', 'utf8')) as { passthrough: unknown[] };
const routeMap = parseRouteMap({ ...routes, passthrough: [...routes.passthrough, { id: 'task.count', method: 'GET', path: '/task/count' }] });

/** What the engine plugin would read from a request the stand-in recorded, checked with the test's own HMAC. */
function identityOf(seen: RecordedRequest): { fields: string[]; signedForThisRequest: boolean } | undefined {
  const header = seen.headers['x-engine-identity'];
  if (header === undefined) return undefined;
  const [version, payload, signature] = String(header).split('.');
  const text = Buffer.from(payload!, 'base64url').toString('utf8');
  const expected = createHmac('sha256', secret).update(`${version}\n${seen.method}\n${seen.url}\n${text}`).digest('base64url');
  return { fields: text.split('\n').slice(0, 3), signedForThisRequest: expected === signature };
}

describe('with ENGINE_IDENTITY_SECRET', () => {
  let h: ProxyHarness;
  beforeAll(async () => {
    h = await startProxyHarness({ ENGINE_IDENTITY_SECRET: secret, PLATFORM_ADMINS: operator.id }, { routeMap });
  });
  afterAll(() => h.close());
  beforeEach(() => h.engine.reset());

  it("signs every engine call of a user's /api request, the policy's own questions included, for its method and path", async () => {
    h.engine.answer('POST', '/engine-rest/task', { status: 200, body: [{ id: 't-1', assignee: null, processInstanceId: 'p-1' }] });
    await request(h.app).post('/api/tasks/t-1/claim').set('Authorization', h.bearer(alice)).set('X-Engine-Identity', forged).expect(200);
    const seen = h.engine.requests.map((r) => ({ call: `${r.method} ${r.url}`, identity: identityOf(r) }));
    expect(seen).toEqual([
      { call: 'POST /engine-rest/task?maxResults=1', identity: { fields: [alice.id, 'member', alice.orgId], signedForThisRequest: true } },
      { call: 'POST /engine-rest/task/t-1/claim', identity: { fields: [alice.id, 'member', alice.orgId], signedForThisRequest: true } },
    ]);
  });

  it('names a caller who reaches every organisation with every tenant (*)', async () => {
    await request(h.app).get('/api/processes').set('Authorization', h.bearer(operator)).expect(200);
    expect(identityOf(h.engine.lastRequest()!)).toEqual({ fields: [operator.id, 'admin', '*'], signedForThisRequest: true });
  });

  it("replaces a client's own header on the /engine-rest passthrough with the signed-in user's", async () => {
    h.engine.answer('GET', '/engine-rest/task/count', { status: 200, body: { count: 0 } });
    await request(h.app).get('/engine-rest/task/count?active=true').set('Authorization', h.bearer(alice)).set('X-Engine-Identity', forged).expect(200);
    const seen = h.engine.lastRequest()!;
    expect(seen.headers['x-engine-identity']).not.toBe(forged);
    expect(identityOf(seen)).toEqual({ fields: [alice.id, 'member', alice.orgId], signedForThisRequest: true });
  });

  it('sends none for a machine (M2M worker) or the health probe: they stay the service account', async () => {
    h.engine.answer('POST', '/engine-rest/external-task/fetchAndLock', { status: 200, body: [] });
    await request(h.app)
      .post('/engine-rest/external-task/fetchAndLock')
      .set('Authorization', `Bearer ${mintMachineToken(h.key, { machineId: 'mch_2worker', scopes: ['camunda:worker'] })}`)
      .set('X-Engine-Identity', forged)
      .send({ workerId: 'w', maxTasks: 1, topics: [] })
      .expect(200);
    await request(h.app).get('/health').expect(200);
    expect(h.engine.requests.map((r) => r.url)).toEqual(['/engine-rest/external-task/fetchAndLock', '/engine-rest/version']);
    expect(h.engine.requests.map((r) => r.headers['x-engine-identity'])).toEqual([undefined, undefined]);
  });
});

describe('without ENGINE_IDENTITY_SECRET', () => {
  let h: ProxyHarness;
  beforeAll(async () => {
    h = await startProxyHarness({}, { routeMap });
  });
  afterAll(() => h.close());
  beforeEach(() => h.engine.reset());

  it('the proxy signs nothing at all', () => {
    expect(h.config.engine.identitySecret).toBeUndefined();
  });

  it.each([
    ['an /api route', '/api/processes'],
    ['the /engine-rest passthrough', '/engine-rest/task/count'],
  ])("a client's identity header never reaches the engine through %s", async (_name, path) => {
    h.engine.answer('GET', '/engine-rest/task/count', { status: 200, body: { count: 0 } });
    await request(h.app).get(path).set('Authorization', h.bearer(operator)).set('X-Engine-Identity', forged).expect(200);
    expect(h.engine.lastRequest()!.headers['x-engine-identity']).toBeUndefined();
  });
});
