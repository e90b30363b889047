import request from 'supertest';
import { testOrgs, testUsers, type SessionUser } from '../support/clerkTokens.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

// "Does this organisation have its own definition of this key?" is one engine question before a
// by-key call (start, the definition, its form, its XML). Its answer is kept a short while and
// forgotten when the organisation deploys through the proxy; who may see a task or an instance
// is never kept (engineCalls.test.ts).

const { alice, bob, admin, otherMember } = testUsers;
const COUNT = '/engine-rest/process-definition/count';
const countQuestions = (h: ProxyHarness) => h.engine.requests.filter((seen) => seen.url.startsWith(COUNT));
const starts = (h: ProxyHarness) => h.engine.requests.filter((seen) => seen.url.endsWith('/start')).map((seen) => seen.url);
const instance = { links: [], id: 'p-1', definitionId: 'order:2:x', businessKey: null, caseInstanceId: null, ended: false, suspended: false, tenantId: testOrgs.acme };

function acmeOwnsOrder(h: ProxyHarness, owns: boolean): void {
  h.engine.answer('GET', COUNT, (seen) => ({ status: 200, body: { count: owns && seen.url.includes(`tenantIdIn=${testOrgs.acme}`) ? 1 : 0 } }));
  h.engine.answer('POST', `/engine-rest/process-definition/key/order/tenant-id/${testOrgs.acme}/start`, { status: 200, body: instance });
}

const start = (h: ProxyHarness, user: SessionUser = alice) => request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer(user)).send({});

describe('an organisation own definitions, asked once and kept', () => {
  let h: ProxyHarness;
  beforeEach(async () => {
    h = await startProxyHarness({ DEFINITION_CACHE_TTL: '0.5' });
  });
  afterEach(() => h.close());

  it('a second start by the same organisation asks no count question: one engine call, on the organisation definition', async () => {
    acmeOwnsOrder(h, true);
    await start(h).expect(201);
    await start(h, bob).expect(201);
    await request(h.app).get('/api/processes/order/form').set('Authorization', h.bearer(alice)).expect(200);
    expect(countQuestions(h)).toHaveLength(1);
    expect(starts(h)).toEqual([
      `/engine-rest/process-definition/key/order/tenant-id/${testOrgs.acme}/start`,
      `/engine-rest/process-definition/key/order/tenant-id/${testOrgs.acme}/start`,
    ]);
  });

  it('keeps each organisation answer apart: another organisation still starts the shared definition', async () => {
    acmeOwnsOrder(h, true);
    await start(h).expect(201);
    await start(h, otherMember).expect(201);
    expect(countQuestions(h)).toHaveLength(2);
    expect(starts(h)).toEqual([`/engine-rest/process-definition/key/order/tenant-id/${testOrgs.acme}/start`, '/engine-rest/process-definition/key/order/start']);
  });

  it('asks again once the answer is older than DEFINITION_CACHE_TTL', async () => {
    acmeOwnsOrder(h, false);
    await start(h).expect(201);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await start(h).expect(201);
    expect(countQuestions(h)).toHaveLength(2);
  });

  it('forgets the organisation answers when it deploys through the proxy: its next start finds its new definition', async () => {
    acmeOwnsOrder(h, false);
    await start(h).expect(201);
    expect(starts(h)).toEqual(['/engine-rest/process-definition/key/order/start']);
    h.engine.answer('POST', '/engine-rest/deployment/create', { status: 200, body: { id: 'd-1', name: 'own order', tenantId: testOrgs.acme, links: [] } });
    await request(h.app).post('/api/deployments').set('Authorization', h.bearer(admin)).attach('data', Buffer.from('<definitions/>'), 'order.bpmn').expect(201);
    acmeOwnsOrder(h, true);
    await start(h).expect(201);
    expect(countQuestions(h)).toHaveLength(2);
    expect(starts(h).at(-1)).toBe(`/engine-rest/process-definition/key/order/tenant-id/${testOrgs.acme}/start`);
  });

  it('keeps no failed question: the engine failing the count is asked again on the next call', async () => {
    h.engine.answer('GET', COUNT, { status: 500, body: { type: 'ProcessEngineException', message: 'down' } });
    await start(h).expect(502);
    acmeOwnsOrder(h, true);
    await start(h).expect(201);
    expect(countQuestions(h)).toHaveLength(2);
  });
});

it('DEFINITION_CACHE_TTL=0 asks every time', async () => {
  const h = await startProxyHarness({ DEFINITION_CACHE_TTL: '0' });
  try {
    acmeOwnsOrder(h, true);
    await start(h).expect(201);
    await start(h).expect(201);
    expect(countQuestions(h)).toHaveLength(2);
  } finally {
    await h.close();
  }
});
