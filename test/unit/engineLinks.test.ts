import request from 'supertest';
import { testUsers } from '../support/clerkTokens.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';
import { clientLinks } from '../../src/proxy/clientLinks.js';

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness({ PLATFORM_ADMINS: testUsers.admin.id });
});
afterAll(() => h.close());
beforeEach(() => h.engine.reset());

describe("engine links never reach a client with the engine's address", () => {
  const engineHref = (path: string) => `http://engine.internal:8080/engine-rest${path}`;

  it('a started instance links to its /api path instead', async () => {
    h.engine.answer('POST', '/engine-rest/process-definition/key/order/start', {
      status: 200,
      body: { id: 'p-1', links: [{ method: 'GET', href: engineHref('/process-instance/p-1'), rel: 'self' }], definitionId: 'order:1' },
    });
    const res = await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer(testUsers.admin)).send({ variables: {} });
    expect(res.status).toBe(201);
    expect(res.body.links).toEqual([{ method: 'GET', href: '/api/instances/p-1', rel: 'self' }]);
    expect(res.text).not.toContain('engine.internal');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
  });

  it('a link with no /api route, or outside ENGINE_URL, is dropped', () => {
    const toClient = (path: string) => (path === '/process-instance/p-1' ? '/api/instances/p-1' : undefined);
    const links = [
      { method: 'GET', href: engineHref('/process-instance/p-1'), rel: 'self' },
      { method: 'GET', href: engineHref('/deployment/d-1'), rel: 'deployment' },
      { method: 'GET', href: 'http://elsewhere.test/other/p-1', rel: 'other' },
      { method: 'GET', href: 42, rel: 'broken' },
    ];
    expect(clientLinks(links, '/engine-rest', toClient)).toEqual([{ method: 'GET', href: '/api/instances/p-1', rel: 'self' }]);
  });

  it('list answers stream through untouched (no links to rewrite, nothing buffered)', async () => {
    h.engine.answer('GET', '/engine-rest/process-definition', { status: 200, body: [{ id: 'order:1', key: 'order' }] });
    const res = await request(h.app).get('/api/processes').set('Authorization', h.bearer(testUsers.admin));
    expect(res.body).toEqual([{ id: 'order:1', key: 'order' }]);
  });
});
