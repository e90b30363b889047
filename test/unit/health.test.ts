import request from 'supertest';
import { freePort } from '../../scripts/engine.js';
import { PROBE_CACHE_MS } from '../../src/http/health.js';
import { expectDocumented } from '../support/documentedAnswers.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

const versionCalls = (h: ProxyHarness) => h.engine.requests.filter((r) => r.url === '/engine-rest/version').length;


describe('/health and /ready', () => {
  let h: ProxyHarness;
  beforeAll(async () => {
    h = await startProxyHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.engine.reset());

  it('answer every field the earlier proxy\'s health test reads, and never the engine URL', async () => {
    const res = await request(h.app).get('/health').expect(200);
    // The earlier proxy's own test: status, timestamp, engine_url (not null) and engine_reachable.
    for (const field of ['status', 'timestamp', 'engine_url', 'engine_reachable']) expect(res.body).toHaveProperty(field);
    expect(res.body.engine_url).not.toBeNull();
    expect(res.body).toMatchObject({ status: 'healthy', engine_reachable: true, engine: { reachable: true, version: '7.24.0' } });
    // engine_url is where clients reach the engine through the proxy, not where the engine is.
    expect(res.body.engine_url).toBe('/engine-rest');
    expect(res.text).not.toContain(h.engine.origin);
    expect(res.text).not.toMatch(/127\.0\.0\.1|localhost|:\d{2,5}\//);
  });

  it('/ready answers 503 draining once the app is told to drain, while /health stays 200', async () => {
    const drained = await startProxyHarness({}, { engine: h.engine });
    try {
      await request(drained.app).get('/ready').expect(200);
      drained.proxy.startDraining();
      const res = await request(drained.app).get('/ready').expect(503);
      expect(res.body).toMatchObject({ status: 'draining', engine_reachable: true, engine_url: '/engine-rest' });
      await expectDocumented(drained, '/ready', res);
      await request(drained.app).get('/health').expect(200);
    } finally {
      await drained.close();
    }
  });

  it('answer what their OpenAPI schemas allow: /health healthy, /ready ready', async () => {
    await expectDocumented(h, '/health', await request(h.app).get('/health'));
    await expectDocumented(h, '/ready', await request(h.app).get('/ready'));
  });

  it('1,000 unauthenticated /health calls make one engine call per second at most', async () => {
    await new Promise((resolve) => setTimeout(resolve, PROBE_CACHE_MS + 50)); // nothing cached from earlier tests
    const startedAt = performance.now();
    for (let batch = 0; batch < 10; batch += 1) {
      const answers = await Promise.all(Array.from({ length: 100 }, () => request(h.app).get('/health')));
      for (const res of answers) expect(res.body.engine_reachable).toBe(true);
    }
    const seconds = (performance.now() - startedAt) / 1000;
    expect(versionCalls(h)).toBeGreaterThanOrEqual(1);
    expect(versionCalls(h)).toBeLessThanOrEqual(Math.ceil(seconds / (PROBE_CACHE_MS / 1000)) + 1);
  });

  it('share one probe between /health and /ready, and ask again once it is older than the cache time', async () => {
    await new Promise((resolve) => setTimeout(resolve, PROBE_CACHE_MS + 50));
    await request(h.app).get('/health').expect(200);
    await request(h.app).get('/ready').expect(200);
    expect(versionCalls(h)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, PROBE_CACHE_MS + 50));
    await request(h.app).get('/ready').expect(200);
    expect(versionCalls(h)).toBe(2);
  });
});

describe('/health and /ready with the engine down', () => {
  it('answer degraded / unavailable (503), each as its OpenAPI schema allows', async () => {
    const h = await startProxyHarness({ ENGINE_URL: `http://127.0.0.1:${await freePort()}/engine-rest` });
    try {
      const healthAnswer = await request(h.app).get('/health').expect(200);
      expect(healthAnswer.body).toMatchObject({ status: 'degraded', engine_reachable: false });
      await expectDocumented(h, '/health', healthAnswer);
      const ready = await request(h.app).get('/ready').expect(503);
      expect(ready.body).toMatchObject({ status: 'unavailable', engine_reachable: false });
      await expectDocumented(h, '/ready', ready);
    } finally {
      await h.close();
    }
  });
});
