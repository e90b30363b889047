import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { freePort } from '../../scripts/engine.js';
import { startEngineStandIn } from '../support/engineStandIn.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness({ ENGINE_TIMEOUT: '0.3' });
});
afterAll(() => h.close());
beforeEach(() => h.engine.reset());

const envelope = (error: string, detail: RegExp | string) => ({
  error,
  detail: typeof detail === 'string' ? detail : expect.stringMatching(detail),
  timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
  requestId: expect.any(String),
});

describe('engine answers become the error envelope', () => {
  it.each([
    [400, { type: 'InvalidRequestException', message: "Cannot convert value 'x' of type 'Integer'" }, 400, 'invalid_request', /Cannot convert value 'x'/],
    [404, { type: 'RestException', message: 'No matching process definition with key: nope' }, 404, 'not_found', /No matching process definition/],
    [500, { type: 'RestException', message: 'Cannot complete task t-1: Cannot find task with id t-1: task is null' }, 404, 'not_found', /Cannot find task/],
    [500, { type: 'TaskAlreadyClaimedException', message: "Task 't-1' is already claimed by someone else." }, 409, 'conflict', /already claimed/],
    [500, { type: 'ProcessEngineException', message: 'boom' }, 502, 'engine_error', /boom/],
    [503, 'Service Unavailable', 502, 'engine_error', /Service Unavailable/],
  ])('engine %i %j → %i %s', async (engineStatus, engineBody, status, error, detail) => {
    h.engine.answer('GET', '/engine-rest/process-definition/key/order', { status: engineStatus, body: engineBody });
    const res = await request(h.app).get('/api/processes/order').set('Authorization', h.bearer());
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(envelope(error, detail));
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('turns an engine 401 (wrong service credentials) into 502 without a browser login prompt', async () => {
    h.engine.answer('GET', '/engine-rest/process-definition/key/order', { status: 401, body: '', headers: { 'WWW-Authenticate': 'Basic realm="default"' } });
    const res = await request(h.app).get('/api/processes/order').set('Authorization', h.bearer());
    expect(res.status).toBe(502);
    expect(res.body).toEqual(envelope('engine_unavailable', /service credentials/));
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('does not follow or pass on an engine redirect', async () => {
    h.engine.answer('GET', '/engine-rest/process-definition/key/order', { status: 302, body: '', headers: { Location: 'http://engine.internal:8080/login' } });
    const res = await request(h.app).get('/api/processes/order').set('Authorization', h.bearer());
    expect(res.status).toBe(502);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).not.toContain('engine.internal');
  });

  it('keeps the request id of the failed call in the envelope and the header', async () => {
    h.engine.answer('GET', '/engine-rest/process-definition/key/order', { status: 404, body: { type: 'InvalidRequestException', message: 'No matching task with id t-1' } });
    const res = await request(h.app).get('/api/processes/order').set('Authorization', h.bearer()).set('X-Request-Id', 'trace-42');
    expect(res.body.requestId).toBe('trace-42');
    expect(res.headers['x-request-id']).toBe('trace-42');
  });
});

describe('an engine that does not answer', () => {
  it('gives 504 when slower than ENGINE_TIMEOUT', async () => {
    h.engine.slow(1_500);
    const started = Date.now();
    const res = await request(h.app).get('/api/processes').set('Authorization', h.bearer());
    expect(res.status).toBe(504);
    expect(res.body).toEqual(envelope('engine_timeout', /ENGINE_TIMEOUT/));
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it('bounds the whole call: requests queued for a busy engine socket get their 504 at the deadline too', async () => {
    const queued = await startProxyHarness({ ENGINE_TIMEOUT: '0.4', ENGINE_MAX_SOCKETS: '1' }, { engine: h.engine });
    try {
      h.engine.slow(5_000);
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 6 }, () => request(queued.app).get('/api/processes').set('Authorization', queued.bearer())));
      expect(answers.map((res) => res.status)).toEqual(Array(6).fill(504));
      // Six calls in a row on one socket would take 6 × 0.4 s with an idle timer.
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await queued.close();
    }
  });

  it('does not let a trickling answer run past the deadline', async () => {
    const trickle = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '40' });
      let sent = 0;
      const drip = setInterval(() => {
        if (res.destroyed || sent >= 40) return clearInterval(drip);
        res.write(sent === 0 ? '[' : ' ');
        sent += 1;
      }, 100);
      res.on('close', () => clearInterval(drip));
    });
    await new Promise<void>((resolve) => trickle.listen(0, '127.0.0.1', resolve));
    const slow = await startProxyHarness({ ENGINE_TIMEOUT: '0.5', ENGINE_URL: `http://127.0.0.1:${(trickle.address() as AddressInfo).port}/engine-rest` });
    try {
      const started = Date.now();
      const outcome = await request(slow.app).get('/api/processes').set('Authorization', slow.bearer()).then(
        (res) => `answered ${res.status}`,
        (error: Error) => `cut off: ${error.message}`,
      );
      // Headers were already on their way, so the client sees the answer cut off, never a 200 body after 4 s.
      expect(outcome).toMatch(/^cut off/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await slow.close();
      trickle.closeAllConnections();
      trickle.close();
    }
  });

  it('gives 502 when the engine is down, without leaking ENGINE_URL', async () => {
    const port = await freePort();
    const down = await startProxyHarness({ ENGINE_URL: `http://127.0.0.1:${port}/engine-rest` });
    try {
      const res = await request(down.app).get('/api/processes').set('Authorization', down.bearer());
      expect(res.status).toBe(502);
      expect(res.body).toEqual(envelope('engine_unavailable', /unreachable/));
      expect(res.text).not.toContain(String(port));
    } finally {
      await down.close();
    }
  });

  it('gives 502 when the engine drops the connection mid-request', async () => {
    const engine = await startEngineStandIn();
    const flaky = await startProxyHarness({}, { engine });
    try {
      engine.slow(5_000);
      const pending = request(flaky.app).get('/api/processes').set('Authorization', flaky.bearer());
      setTimeout(() => void engine.stop(), 200);
      const res = await pending;
      expect(res.status).toBe(502);
      expect(res.body.error).toBe('engine_unavailable');
    } finally {
      await flaky.close();
    }
  });
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/api/nothing-here'],
    ['GET', '/apiv2/processes'],
  ])('%s %s is a 404 envelope and the engine sees nothing', async (method, path) => {
    const res = await request(h.app)[method.toLowerCase() as 'get'](path).set('Authorization', h.bearer());
    expect(res.status).toBe(404);
    expect(res.body).toEqual(envelope('not_found', /no route/));
    expect(h.engine.requests).toHaveLength(0);
  });

  it.each([['/api/nothing-here'], ['/apiv2/processes'], ['/nothing-here'], ['/engine-restx/task']])(
    'GET %s without a token is 401, never a map of what exists',
    async (path) => {
      const res = await request(h.app).get(path);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(envelope('unauthenticated', /bearer token/));
      expect(h.engine.requests).toHaveLength(0);
    },
  );

  it.each([['/openapi.json'], ['/docs/'], ['/metrics']])('GET %s, an open endpoint after the two front doors, needs no token', async (path) => {
    await request(h.app).get(path).expect(200);
  });

  it.each([
    ['DELETE', '/api/processes/order', 'GET, HEAD'],
    ['POST', '/api/tasks/t-1', 'GET, HEAD'],
    ['PUT', '/api/tasks/t-1/complete', 'POST'],
    ['TRACE', '/api/user', 'GET, HEAD'],
    ['DELETE', '/api/statistics', 'GET, HEAD'],
    ['GET', '/api/deployments', 'POST'],
    ['POST', '/health', 'GET, HEAD'],
    ['PUT', '/ready', 'GET, HEAD'],
    ['DELETE', '/metrics', 'GET, HEAD'],
  ])('%s %s, a known path with another method, is 405 with Allow and the engine sees nothing', async (method, path, allow) => {
    const res = await request(h.app)[method.toLowerCase() as 'get'](path).set('Authorization', h.bearer());
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.body).toEqual(envelope('method_not_allowed', /not allowed/));
    expect(h.engine.requests).toHaveLength(0);
  });
});

describe('GET /health', () => {
  it('needs no token and reports the engine version', async () => {
    const res = await request(h.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'healthy', timestamp: expect.any(String), engine: { reachable: true, version: '7.24.0' }, engine_reachable: true, engine_url: '/engine-rest' });
    expect(h.engine.lastRequest()!.headers.authorization).toMatch(/^Basic /);
  });

  it('stays 200 but degraded when the engine is unreachable, and does not leak ENGINE_URL', async () => {
    const port = await freePort();
    const down = await startProxyHarness({ ENGINE_URL: `http://127.0.0.1:${port}/engine-rest` });
    try {
      const res = await request(down.app).get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'degraded', timestamp: expect.any(String), engine: { reachable: false, version: null }, engine_reachable: false, engine_url: '/engine-rest' });
      expect(res.text).not.toContain(String(port));
      // engine_url names the proxy's own passthrough, never ENGINE_URL.
      expect(res.text).not.toMatch(/127\.0\.0\.1|http:/);
    } finally {
      await down.close();
    }
  });

  it('is degraded when the engine refuses the service credentials', async () => {
    const wrong = await startProxyHarness({ ENGINE_PASS: 'wrong' });
    try {
      const res = await request(wrong.app).get('/health');
      expect(res.body.status).toBe('degraded');
      expect(res.text).not.toContain('wrong');
    } finally {
      await wrong.close();
    }
  });
});
