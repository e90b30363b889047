import request from 'supertest';
import { mintMachineToken, testUsers } from '../support/clerkTokens.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';
import { waitFor } from '../support/processes.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asserts the 429: the project's envelope, a whole number of seconds in Retry-After. */
function expectRateLimited(res: request.Response, retryAfterSeconds: number, on: 'api' | 'engine-rest' = 'api'): void {
  const detail = expect.stringMatching(/^too many \S+ calls; try again in \d+ s$/);
  // On /engine-rest the envelope also carries Camunda's own `type` and `message`.
  const camundaFields = on === 'engine-rest' ? { type: 'RestException', message: detail } : {};
  expect({ status: res.status, body: res.body }).toEqual({
    status: 429,
    body: { error: 'rate_limited', detail, timestamp: expect.any(String), requestId: res.headers['x-request-id'], ...camundaFields },
  });
  expect(res.headers['retry-after']).toBe(String(retryAfterSeconds));
}

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.stop());

/**
 * The same behaviour whichever store keeps the buckets. With the shared store a refusal on failure
 * (closed) makes sure every answer below came from Redis, never from a fallback in this process.
 */
const stores: [string, () => NodeJS.ProcessEnv][] = [
  ['in this process (the default)', () => ({})],
  ['in a shared Redis (RATE_LIMIT_STORE)', () => ({ RATE_LIMIT_STORE: redis.url, RATE_LIMIT_STORE_FAILURE: 'closed' })],
];

describe.each(stores)('buckets %s', (_store, storeEnv) => {
  /** A new proxy; the store outlives it, so each starts with an empty one, as a new process starts with empty buckets. */
  const startReplica = async (env: NodeJS.ProcessEnv) => {
    await redis.command('FLUSHALL');
    const h = await startProxyHarness({ ...storeEnv(), ...env });
    // With a store, its first calls need the connection: wait for it rather than race it.
    if (storeEnv().RATE_LIMIT_STORE) await waitFor(async () => ((await request(h.app).get('/metrics')).text.includes('proxy_rate_limit_store_up 1') ? true : undefined), 10_000, 'the store');
    return h;
  };

  describe('fair use on /api: a token bucket per user and class of calls', () => {
    let h: ProxyHarness;
    beforeAll(async () => {
      h = await startReplica({ RATE_LIMIT_WRITES: '3/minute', RATE_LIMIT_READS: '2/second' });
    });
    afterAll(() => h.close());
    beforeEach(() => h.engine.reset());

    const start = (user = testUsers.alice) => request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer(user)).send({ variables: {} });
    const starts = () => h.engine.requests.filter((r) => r.url.endsWith('/start')).length;

    it('lets a burst up to the limit through, then answers 429 with Retry-After, and the engine never sees the refused start', async () => {
      for (let i = 0; i < 3; i += 1) expect((await start()).status).toBe(201);
      const refused = await start();
      expectRateLimited(refused, 20); // 3 a minute: the next call is allowed in 20 s
      expect(refused.body.detail).toBe('too many write calls; try again in 20 s');
      expect(starts()).toBe(3);
    });

    it("counts each user on their own: bob's starts are not refused because alice used hers up", async () => {
      expectRateLimited(await start(testUsers.alice), 20);
      expect((await start(testUsers.bob)).status).toBe(201);
      expect(starts()).toBe(1);
    });

    it('counts reads apart from writes: a user out of writes can still read', async () => {
      expectRateLimited(await start(testUsers.alice), 20);
      await sleep(1_100); // reads refilled from the earlier tests
      expect((await request(h.app).get('/api/processes').set('Authorization', h.bearer())).status).toBe(200);
    });

    it('refills continuously: a read refused now is allowed once one token has dripped back', async () => {
      await sleep(1_100);
      const read = () => request(h.app).get('/api/processes').set('Authorization', h.bearer(testUsers.manager));
      expect((await read()).status).toBe(200);
      expect((await read()).status).toBe(200);
      const refused = await read();
      expectRateLimited(refused, 1);
      expect(refused.body.detail).toBe('too many read calls; try again in 1 s');
      await sleep(600); // 2 a second: one token every 500 ms
      expect((await read()).status).toBe(200);
      expectRateLimited(await read(), 1);
    });

    it('runs after authentication: unauthenticated calls are 401 and spend nobody\'s calls', async () => {
      await sleep(1_100);
      for (let i = 0; i < 5; i += 1) expect((await request(h.app).get('/api/processes').set('Authorization', 'Bearer nope')).status).toBe(401);
      expect((await request(h.app).get('/api/processes').set('Authorization', h.bearer(testUsers.admin))).status).toBe(200);
    });
  });

  describe('fair use on /engine-rest: a token bucket per machine (or user)', () => {
    it('refuses a machine over RATE_LIMIT_PASSTHROUGH with 429, before the engine; another machine is not affected', async () => {
      const h = await startReplica({ RATE_LIMIT_PASSTHROUGH: '2/minute' });
      try {
        const worker = (machineId: string) => `Bearer ${mintMachineToken(h.key, { machineId, scopes: ['camunda:worker'] })}`;
        const fetchAndLock = (machineId: string) =>
          request(h.app).post('/engine-rest/external-task/fetchAndLock').set('Authorization', worker(machineId)).send({ workerId: 'w', maxTasks: 1, topics: [] });
        expect((await fetchAndLock('mch_2invoiceWorker')).status).toBe(200);
        expect((await fetchAndLock('mch_2invoiceWorker')).status).toBe(200);
        expectRateLimited(await fetchAndLock('mch_2invoiceWorker'), 30, 'engine-rest');
        expect(h.engine.requests).toHaveLength(2);
        expect((await fetchAndLock('mch_2otherWorker')).status).toBe(200);
        expect(h.engine.requests).toHaveLength(3);
      } finally {
        await h.close();
      }
    });
  });

  describe('RATE_LIMIT_*=off', () => {
    it('does not count that class at all', async () => {
      const h = await startReplica({ RATE_LIMIT_READS: 'off', RATE_LIMIT_WRITES: '1/hour' });
      try {
        for (let i = 0; i < 50; i += 1) expect((await request(h.app).get('/api/processes').set('Authorization', h.bearer())).status).toBe(200);
        expect((await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer()).send({})).status).toBe(201);
        expectRateLimited(await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer()).send({}), 3600);
      } finally {
        await h.close();
      }
    });
  });
});

describe('the OpenAPI document', () => {
  it('lists 429 rate_limited and 503 rate_limit_unavailable on every /api and /engine-rest operation', async () => {
    const h = await startProxyHarness();
    try {
      const document = (await request(h.app).get('/openapi.json')).body as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { responses: Record<string, { content: { 'application/json': { schema: { properties: { error: { enum: string[] } } } } } }> } };
      const operations = Object.entries(document.paths)
        .filter(([path]) => path.startsWith('/api/') || path.startsWith('/engine-rest/'))
        .flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ operation: `${method} ${path}`, has429: '429' in operation.responses, has503: '503' in operation.responses })));
      expect(operations.length).toBeGreaterThan(10);
      expect(operations.filter((o) => !o.has429 || !o.has503)).toEqual([]);
      expect(document.components.responses.Error429!.content['application/json'].schema.properties.error.enum).toEqual(['rate_limited']);
      // The one 503 response also names GET /api/audit's, which only that operation answers.
      expect(document.components.responses.Error503!.content['application/json'].schema.properties.error.enum).toEqual(['rate_limit_unavailable', 'audit_unavailable']);
    } finally {
      await h.close();
    }
  });
});
