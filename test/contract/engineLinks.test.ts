import request from 'supertest';
import { onEngine, startContractProxy, testUsers, uniqueKey, type ContractProxy } from '../support/contractHarness.js';

describe(onEngine('links in engine answers'), () => {
  let proxy: ContractProxy;
  beforeAll(() => {
    proxy = startContractProxy();
  });
  afterAll(() => proxy.close());

  it("a start answer on the real engine links to the proxy's own path, never to the engine's address", async () => {
    const res = await request(proxy.app)
      .post('/api/processes/order/start')
      .set('Authorization', proxy.bearer(testUsers.alice))
      .send({ businessKey: uniqueKey('links'), variables: { customerName: 'ACME', amount: 1 } });
    expect(res.status).toBe(201);
    expect(res.body.links).toEqual([{ method: 'GET', href: `/api/instances/${res.body.id}`, rel: 'self' }]);
    const engine = new URL(proxy.engineUrl);
    expect(res.text).not.toContain(engine.host);
    expect(res.text).not.toContain('/engine-rest');
  });
});
