import request from 'supertest';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(() => h.close());

it('proxies a process list', async () => {
  const res = await request(h.app).get('/api/processes').set('Authorization', h.bearer());
  expect(res.status).toBe(200);
  expect(h.engine.lastRequest()?.url).toBe('/engine-rest/process-definition?latestVersion=true');
});
