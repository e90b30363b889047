import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { parseRouteMap } from '../../src/routes/routeMap.js';
import { testUsers } from '../support/clerkTokens.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

// A platform operator, who sees everything: these tests are about transport, and policies add
// their own engine calls for other users (see authorization.test.ts and tenancy.test.ts).
const admin = testUsers.admin;
let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness({ PLATFORM_ADMINS: admin.id });
});
afterAll(() => h.close());
beforeEach(() => h.engine.reset());

const demoBasic = `Basic ${Buffer.from('demo:demo').toString('base64')}`;

describe('what the engine receives', () => {
  it('gets the service BasicAuth, JSON accept and a request id instead of the caller\'s identity', async () => {
    await request(h.app)
      .get('/api/processes')
      .set('Authorization', h.bearer())
      .set('Cookie', '__session=abc; other=1')
      .set('Proxy-Authorization', 'Basic eDp5')
      .set('X-Forwarded-User', 'admin')
      .set('X-Forwarded-For', '10.0.0.1')
      .set('X-Remote-User', 'admin')
      .set('X-Request-Id', 'req-123')
      .expect(200);
    const seen = h.engine.lastRequest()!;
    expect(seen.headers.authorization).toBe(demoBasic);
    expect(seen.headers.accept).toBe('application/json');
    expect(seen.headers['x-request-id']).toBe('req-123');
    for (const name of ['cookie', 'proxy-authorization', 'x-forwarded-user', 'x-forwarded-for', 'x-remote-user']) {
      expect(seen.headers[name]).toBeUndefined();
    }
  });

  it('gets the route\'s engine path, with fixed query params winning over the client\'s', async () => {
    await request(h.app).get('/api/processes?latestVersion=false&sortBy=name&sortOrder=asc').set('Authorization', h.bearer()).expect(200);
    const url = new URL(h.engine.lastRequest()!.url, 'http://x');
    expect(url.pathname).toBe('/engine-rest/process-definition');
    expect(url.searchParams.getAll('latestVersion')).toEqual(['true']);
    expect(url.searchParams.get('sortBy')).toBe('name');
    expect(url.searchParams.get('sortOrder')).toBe('asc');
  });

  it('gets the client\'s query untouched on a route without fixed params', async () => {
    await request(h.app).get('/api/instances?processDefinitionKey=order&businessKey=a%20b%2Bc').set('Authorization', h.bearer(admin)).expect(200);
    expect(h.engine.lastRequest()!.url).toBe('/engine-rest/process-instance?processDefinitionKey=order&businessKey=a%20b%2Bc');
  });

  it.each([
    ['GET', '/api/processes/order', '/engine-rest/process-definition/key/order'],
    ['GET', '/api/processes/order/form', '/engine-rest/process-definition/key/order/form-variables'],
    ['GET', '/api/instances/abc-1', '/engine-rest/process-instance/abc-1'],
    ['GET', '/api/instances/abc-1/variables', '/engine-rest/process-instance/abc-1/variables?deserializeValues=false'],
    ['GET', '/api/tasks', '/engine-rest/task'],
    ['GET', '/api/tasks/t-1', '/engine-rest/task/t-1'],
    ['GET', '/api/tasks/t-1/form', '/engine-rest/task/t-1/form-variables?deserializeValues=false'],
  ])('%s %s reaches %s', async (method, path, enginePath) => {
    await request(h.app)[method.toLowerCase() as 'get'](path).set('Authorization', h.bearer(admin)).expect(200);
    expect(h.engine.lastRequest()!.url).toBe(enginePath);
  });

  it('reuses one keep-alive connection for many requests', async () => {
    const before = h.engine.connections();
    for (let i = 0; i < 10; i += 1) {
      await request(h.app).get('/api/processes').set('Authorization', h.bearer()).expect(200);
    }
    expect(h.engine.connections() - before).toBeLessThanOrEqual(1);
  });
});

describe('what the client receives', () => {
  it('gets the engine body and content type, but never its Set-Cookie or WWW-Authenticate', async () => {
    h.engine.answer('GET', '/engine-rest/task/t-1', {
      status: 200,
      body: { id: 't-1' },
      headers: { 'WWW-Authenticate': 'Basic realm="default"', 'X-Engine-Internal': 'yes', Server: 'Tomcat' },
    });
    const res = await request(h.app).get('/api/tasks/t-1').set('Authorization', h.bearer(admin)).expect(200);
    expect(res.body).toEqual({ id: 't-1' });
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.headers['x-engine-internal']).toBeUndefined();
    expect(res.headers.server).toBeUndefined();
  });

  it('gets its request id echoed, or a new one when the offered id is not sane', async () => {
    const echoed = await request(h.app).get('/api/processes').set('Authorization', h.bearer()).set('X-Request-Id', 'abc.123:x');
    expect(echoed.headers['x-request-id']).toBe('abc.123:x');
    const replaced = await request(h.app).get('/api/processes').set('Authorization', h.bearer()).set('X-Request-Id', 'evil\tvalue<script>');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.engine.lastRequest()!.headers['x-request-id']).toBe(replaced.headers['x-request-id']);
  });

  it('gets helmet\'s security headers', async () => {
    const res = await request(h.app).get('/api/processes').set('Authorization', h.bearer());
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('gets the principal from GET /api/user without an engine call', async () => {
    const res = await request(h.app).get('/api/user').set('Authorization', h.bearer(testUsers.bob)).expect(200);
    expect(res.body).toMatchObject({ id: testUsers.bob.id, email: testUsers.bob.email, name: testUsers.bob.name, orgId: testUsers.bob.orgId, orgRole: 'org:member', orgPermissions: [] });
    expect(h.engine.requests).toHaveLength(0);
  });
});

describe('CORS', () => {
  it('answers a preflight from an allowed origin', async () => {
    const res = await request(h.app)
      .options('/api/processes/order/start')
      .set('Origin', 'http://localhost:3000')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/i);
    expect(h.engine.requests).toHaveLength(0);
  });

  it('does not allow another origin', async () => {
    const res = await request(h.app).options('/api/processes').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const call = await request(h.app).get('/api/processes').set('Origin', 'https://evil.example').set('Authorization', h.bearer());
    expect(call.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('exposes the request id to the allowed origin', async () => {
    const res = await request(h.app).get('/api/processes').set('Origin', 'http://localhost:3000').set('Authorization', h.bearer());
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(res.headers['access-control-expose-headers']).toMatch(/X-Request-Id/i);
  });
});

describe('the proxy on the hot path', () => {
  it('forwards the JSON body of a route without an intercept byte for byte, with its own framing', async () => {
    let received = '';
    let framing: string | undefined;
    const raw: Server = createServer((req, res) => {
      framing = req.headers['content-length'];
      req.on('data', (chunk: Buffer) => (received += chunk.toString()));
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const routeMap = parseRouteMap({ routes: [{ id: 'message.correlate', method: 'POST', path: '/api/messages', engine: '/message' }] });
    const other = await startProxyHarness({ ENGINE_URL: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/engine-rest` }, { routeMap });
    try {
      const body = '{ "b":1,   "a": [1,2] }';
      await request(other.app).post('/api/messages').set('Authorization', other.bearer(admin)).set('Content-Type', 'application/json').send(body).expect(200);
      expect(received).toBe(body);
      expect(framing).toBe(String(Buffer.byteLength(body)));
    } finally {
      await other.close();
      raw.close();
    }
  });
});

describe('path safety on /api routes', () => {
  let server: import('node:http').Server;
  let port = 0;
  beforeAll(async () => {
    server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  /** Sends the path exactly as written: no client-side normalisation of dots or encodings. */
  const rawGet = (path: string, method = 'GET') =>
    new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, path, method, headers: { authorization: h.bearer(admin), 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      outgoing.on('error', reject);
      outgoing.end(method === 'POST' ? '{}' : undefined);
    });

  it.each([
    ['GET', '/api/tasks/%2e%2e', '/engine-rest/task/', 1],
    ['GET', '/api/tasks/%2E%2E/form', '/engine-rest/task/', 2],
    ['GET', '/api/tasks/.', '/engine-rest/task/', 1],
    ['GET', '/api/tasks/..%2F..%2Fprocess-definition', '/engine-rest/task/', 1],
    ['GET', '/api/tasks/%2e%2e%2f%2e%2e%2fprocess-definition/form', '/engine-rest/task/', 2],
    ['GET', '/api/tasks/%252e%252e/form', '/engine-rest/task/', 2],
    ['GET', '/api/tasks/..%5c..%5cdeployment', '/engine-rest/task/', 1],
    ['GET', '/api/tasks/%00', '/engine-rest/task/', 1],
    ['GET', '/api/instances/a%2Fb/variables', '/engine-rest/process-instance/', 2],
    ['GET', '/api/processes/%2e%2e%2fdeployment%2fcreate', '/engine-rest/process-definition/key/', 1],
    ['POST', '/api/processes/..%2F..%2Fdeployment/start', '/engine-rest/process-definition/key/', 2],
    ['POST', '/api/tasks/%2e%2e%2fx/complete', '/engine-rest/task/', 2],
  ])('%s %s never reaches the engine outside %s', async (method, path, prefix, segmentsAfterPrefix) => {
    const status = await rawGet(path, method);
    if (h.engine.requests.length === 0) expect(status).toBe(400);
    for (const seen of h.engine.requests) {
      const enginePath = seen.url.split('?')[0]!;
      // The policy's task look-up is a query: the id travels in its JSON body, not in the path.
      if (seen.method === 'POST' && enginePath === '/engine-rest/task') {
        expect(seen.json).toEqual(expect.objectContaining({ taskId: expect.any(String) }));
        continue;
      }
      expect(enginePath.startsWith(prefix)).toBe(true);
      expect(new URL(enginePath, 'http://x').pathname).toBe(enginePath);
      // The parameter stayed one segment (the policy's own lookups included).
      expect(enginePath.slice(prefix.length).split('/').length).toBeLessThanOrEqual(segmentsAfterPrefix + 1);
      expect(enginePath).not.toMatch(/\/\.\.?(\/|$)/);
    }
  });
});
