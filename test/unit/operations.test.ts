import request from 'supertest';
import { freePort } from '../../scripts/engine.js';
import { testUsers } from '../support/clerkTokens.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

describe('GET /metrics', () => {
  let h: ProxyHarness;
  beforeAll(async () => {
    h = await startProxyHarness();
  });
  afterAll(() => h.close());

  it('is open by default and counts requests by route id, engine calls, auth failures and in-flight requests', async () => {
    await request(h.app).get('/api/processes').set('Authorization', h.bearer()).expect(200);
    await request(h.app).get('/api/processes').set('Authorization', h.bearer(testUsers.alice, { expiresInSeconds: -60 })).expect(401);
    await request(h.app).get('/api/processes/order/form').set('Authorization', h.bearer()).expect(200);
    const res = await request(h.app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/proxy_http_request_duration_seconds_count\{route="processes\.list",method="GET",status="200"\} 1/);
    expect(res.text).toMatch(/proxy_http_request_duration_seconds_count\{route="processes\.form",method="GET",status="200"\} 1/);
    expect(res.text).toMatch(/proxy_engine_request_duration_seconds_count\{route="processes\.list",status="200"\} 1/);
    expect(res.text).toMatch(/proxy_auth_failures_total\{reason="token-expired"\} 1/);
    expect(res.text).toMatch(/proxy_http_requests_in_flight 1/); // the scrape itself
    expect(res.text).not.toMatch(/route="\/api/); // ids, never raw paths
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  it('needs the token as a bearer', async () => {
    const h = await startProxyHarness({ METRICS_TOKEN: 'scrape-secret' });
    try {
      const denied = await request(h.app).get('/metrics');
      expect(denied.status).toBe(401);
      expect(denied.body.error).toBe('unauthenticated');
      await request(h.app).get('/metrics').set('Authorization', 'Bearer wrong').expect(401);
      await request(h.app).get('/metrics').set('Authorization', 'Bearer scrape-secret').expect(200);
    } finally {
      await h.close();
    }
  });
});

describe('GET /ready', () => {
  it('is 200 while the engine answers', async () => {
    const h = await startProxyHarness();
    try {
      const res = await request(h.app).get('/ready').expect(200);
      expect(res.body).toMatchObject({ status: 'ready', engine: { reachable: true } });
    } finally {
      await h.close();
    }
  });

  it('is 503 while the engine is unreachable, and /health stays 200', async () => {
    const h = await startProxyHarness({ ENGINE_URL: `http://127.0.0.1:${await freePort()}/engine-rest` });
    try {
      const res = await request(h.app).get('/ready');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 'unavailable', engine: { reachable: false, version: null } });
      await request(h.app).get('/health').expect(200);
    } finally {
      await h.close();
    }
  });
});
