import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintMachineToken, testUsers } from '../support/clerkTokens.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

let h: ProxyHarness;
let server: Server;
let port: number;
beforeAll(async () => {
  h = await startProxyHarness({ ENGINE_TIMEOUT: '0.5' });
  server = h.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.close();
  await h.close();
});
beforeEach(() => h.engine.reset());

const worker = (scopes = ['camunda:worker'], machineId = 'mch_2invoiceWorker') => `Bearer ${mintMachineToken(h.key, { machineId, scopes })}`;
const fetchAndLock = { workerId: 'w1', maxTasks: 1, topics: [{ topicName: 'invoice-check', lockDuration: 10000 }] };

/** A request with the path exactly as written: no client-side URL normalisation. */
function rawRequest(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res: IncomingMessage) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end('{}');
  });
}

describe('a worker with an M2M token', () => {
  it('reaches the same engine path with the service credentials, body untouched', async () => {
    const body = JSON.stringify(fetchAndLock);
    h.engine.answer('POST', '/engine-rest/external-task/fetchAndLock', { status: 200, body: [] });
    const res = await request(h.app)
      .post('/engine-rest/external-task/fetchAndLock?x=1')
      .set('Authorization', worker())
      .set('Content-Type', 'application/json')
      .set('Cookie', 'a=b')
      .send(body);
    expect(res.status).toBe(200);
    // camunda-external-task-client-js only parses a body whose Content-Type is exactly application/json.
    expect(res.headers['content-type']).toBe('application/json');
    const seen = h.engine.lastRequest()!;
    expect(seen.url).toBe('/engine-rest/external-task/fetchAndLock?x=1');
    expect(seen.body).toBe(body);
    expect(seen.headers.authorization).toBe(`Basic ${Buffer.from('demo:demo').toString('base64')}`);
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers['x-request-id']).toBe(res.headers['x-request-id']);
  });

  it('gets the engine\'s own error answers unchanged', async () => {
    const engineError = { type: 'RestException', message: 'External task with id nope does not exist', code: 0 };
    h.engine.answer('POST', '/engine-rest/external-task/nope/complete', { status: 404, body: engineError });
    const res = await request(h.app).post('/engine-rest/external-task/nope/complete').set('Authorization', worker()).send({ workerId: 'w1' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(engineError);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it.each([
    ['complete', 'variables', 'initiatorOrgId'],
    ['complete', 'localVariables', 'initiator'],
    ['bpmnError', 'variables', 'completedBy'],
    ['failure', 'localVariables', 'initiatorEmail'],
  ])("may not set a proxy-owned variable on %s (%s.%s): 400, and the engine sees nothing", async (action, map, name) => {
    const res = await request(h.app)
      .post(`/engine-rest/external-task/t-1/${action}`)
      .set('Authorization', worker())
      .send({ workerId: 'w1', [map]: { amount: { value: 1, type: 'Integer' }, [name]: { value: 'org_someone_else', type: 'String' } } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', type: 'InvalidRequestException', message: `variables set by the proxy only: ${name}` });
    expect(h.engine.requests).toEqual([]);
  });

  it('a name written with JSON escapes is the same name', async () => {
    const res = await request(h.app)
      .post('/engine-rest/external-task/t-1/complete')
      .set('Authorization', worker())
      .set('Content-Type', 'application/json')
      .send('{"workerId":"w1","variables":{"initiator\\u004frgId":{"value":"org_x","type":"String"}}}');
    expect(res.status).toBe(400);
    expect(h.engine.requests).toEqual([]);
  });

  it.each([
    ['behind a UTF-8 byte order mark, which the engine skips', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"variables":{"initiatorOrgId":{"value":"org_x"}}}')]), 'application/json', 400],
    ['in UTF-16, which the engine would detect', Buffer.from('\ufeff{"variables":{"initiatorOrgId":{"value":"org_x"}}}', 'utf16le'), 'application/json', 400],
    ['with a charset the proxy does not read', Buffer.from('{"variables":{"initiatorOrgId":{"value":"org_x"}}}', 'latin1'), 'application/json; charset=latin1', 415],
    ['not JSON at all', Buffer.from('{"variables": {"initiatorOrgId"'), 'application/json', 400],
  ])('a JSON body %s is refused, not forwarded unread', async (_how, body, contentType, status) => {
    // Bytes as they are: superagent would serialise a Buffer sent as application/json into JSON of its own.
    const res = await request(h.app)
      .post('/engine-rest/external-task/t-1/complete')
      .set('Authorization', worker())
      .set('Content-Type', contentType)
      .serialize((bytes: Buffer) => bytes as unknown as string)
      .send(body);
    expect(res.status).toBe(status);
    expect(h.engine.requests).toEqual([]);
  });

  it('other variables pass byte for byte, big integers included', async () => {
    const body = '{"workerId":"w1","variables":{"total":{"value":12345678901234567890,"type":"Long"}}}';
    h.engine.answer('POST', '/engine-rest/external-task/t-1/complete', { status: 204 });
    await request(h.app).post('/engine-rest/external-task/t-1/complete').set('Authorization', worker()).set('Content-Type', 'application/json').send(body).expect(204);
    expect(h.engine.lastRequest()!.body).toBe(body);
  });

  it.each(['complete', 'failure', 'bpmnError', 'extendLock', 'unlock'])('may call /external-task/:id/%s', async (action) => {
    await request(h.app).post(`/engine-rest/external-task/t-1/${action}`).set('Authorization', worker()).send({ workerId: 'w1' }).expect(200);
    expect(h.engine.lastRequest()!.url).toBe(`/engine-rest/external-task/t-1/${action}`);
  });

  it('gets a fetchAndLock answer larger than any bound streamed through byte for byte', async () => {
    // 1,100 locked tasks with a 16 KiB variable each: about 18 MiB, above the 16 MiB an object answer is read to.
    const task = (i: number) => ({ id: `t-${i}`, topicName: 'invoice-check', variables: { pdf: { type: 'String', value: 'x'.repeat(16 * 1024) } } });
    const answer = `  ${JSON.stringify(Array.from({ length: 1_100 }, (_, i) => task(i)))}`;
    expect(answer.length).toBeGreaterThan(16 * 1024 * 1024);
    h.engine.answer('POST', '/engine-rest/external-task/fetchAndLock', { status: 200, body: answer, headers: { 'Content-Type': 'application/json' } });
    const res = await request(h.app).post('/engine-rest/external-task/fetchAndLock').set('Authorization', worker()).send(fetchAndLock);
    expect(res.status).toBe(200);
    expect(res.text).toBe(answer);
    expect(res.headers['content-type']).toBe('application/json');
  });

  it('gets a 502 naming why for an object answer above the 16 MiB the proxy reads to rewrite links', async () => {
    const answer = JSON.stringify({ id: 'p-1', variables: { pdf: { type: 'String', value: 'x'.repeat(17 * 1024 * 1024) } } });
    h.engine.answer('POST', '/engine-rest/external-task/t-1/complete', { status: 200, body: answer, headers: { 'Content-Type': 'application/json' } });
    const res = await request(h.app).post('/engine-rest/external-task/t-1/complete').set('Authorization', worker()).send({ workerId: 'w1' });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: 'engine_error', detail: 'the engine answer is too large for the proxy to pass on' });
  });

  it("gets an object answer's engine links rewritten to the same /engine-rest path", async () => {
    const links = [{ method: 'GET', href: 'http://engine.internal:8080/engine-rest/process-instance/p-1', rel: 'self' }];
    h.engine.answer('POST', '/engine-rest/external-task/t-1/complete', { status: 200, body: ` \n{"id":"p-1","links":${JSON.stringify(links)}}`, headers: { 'Content-Type': 'application/json' } });
    const res = await request(h.app).post('/engine-rest/external-task/t-1/complete').set('Authorization', worker()).send({ workerId: 'w1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'p-1', links: [{ method: 'GET', href: '/engine-rest/process-instance/p-1', rel: 'self' }] });
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
  });

  it('without the required scope gets 403, and the engine sees nothing', async () => {
    const res = await request(h.app).post('/engine-rest/external-task/fetchAndLock').set('Authorization', worker(['other'])).send(fetchAndLock);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('forbidden');
    expect(h.engine.requests).toHaveLength(0);
  });

  it('gets 403 on a path that is not listed', async () => {
    const res = await request(h.app).get('/engine-rest/process-definition').set('Authorization', worker());
    expect(res.status).toBe(403);
    expect(h.engine.requests).toHaveLength(0);
  });

  it('with a token signed by another key gets 401', async () => {
    const { createSigningKey } = await import('../support/clerkTokens.js');
    const res = await request(h.app)
      .post('/engine-rest/external-task/fetchAndLock')
      .set('Authorization', `Bearer ${mintMachineToken(createSigningKey('ins_x'), { machineId: 'mch_2x', scopes: ['camunda:worker'] })}`)
      .send(fetchAndLock);
    expect(res.status).toBe(401);
    expect(h.engine.requests).toHaveLength(0);
  });

  it('with an opaque machine token gets a clear 401', async () => {
    const res = await request(h.app).post('/engine-rest/external-task/fetchAndLock').set('Authorization', 'Bearer mt_2abcdefabcdef').send(fetchAndLock);
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/opaque machine tokens .* JWT form/);
    expect(h.engine.requests).toHaveLength(0);
  });
});

describe('users on the passthrough', () => {
  it('a user session on a worker path without a rule for users gets 403', async () => {
    const res = await request(h.app).post('/engine-rest/external-task/fetchAndLock').set('Authorization', h.bearer(testUsers.admin)).send(fetchAndLock);
    expect(res.status).toBe(403);
    expect(h.engine.requests).toHaveLength(0);
  });

  it('no token is 401', async () => {
    await request(h.app).post('/engine-rest/external-task/fetchAndLock').send(fetchAndLock).expect(401);
    expect(h.engine.requests).toHaveLength(0);
  });

  it('an M2M token never passes as a user on /api', async () => {
    const res = await request(h.app).get('/api/processes').set('Authorization', worker());
    expect(res.status).toBe(401);
  });
});

describe('path safety on the passthrough', () => {
  it.each([
    '/engine-rest/external-task/%2e%2e/fetchAndLock',
    '/engine-rest/external-task/t-1%2Fcomplete',
    '/engine-rest/external-task/t-1%2fcomplete',
    '/engine-rest/external-task/../external-task/fetchAndLock',
    '/engine-rest/external-task/./fetchAndLock',
    '/engine-rest/external-task//fetchAndLock',
    '/engine-rest/external-task/t-1%5c/complete',
    '/engine-rest/external-task/%252e%252e/complete',
  ])('%s is refused with 400 and the engine sees nothing', async (path) => {
    const res = await rawRequest(path, { authorization: worker() });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_request');
    expect(h.engine.requests).toHaveLength(0);
  });

  it('matches the request path only, never X-Forwarded-* or X-Original-URL', async () => {
    const res = await rawRequest('/engine-rest/deployment/create', {
      authorization: worker(),
      'x-forwarded-prefix': '/engine-rest/external-task/fetchAndLock',
      'x-original-url': '/engine-rest/external-task/fetchAndLock',
      'x-forwarded-uri': '/engine-rest/external-task/fetchAndLock',
    });
    expect(res.status).toBe(403);
    expect(h.engine.requests).toHaveLength(0);
  });
});

describe('long polling', () => {
  it('lets fetchAndLock wait longer than ENGINE_TIMEOUT, while other routes keep it', async () => {
    h.engine.slow(1_200);
    await request(h.app).post('/engine-rest/external-task/fetchAndLock').set('Authorization', worker()).send(fetchAndLock).expect(200);
    const res = await request(h.app).post('/engine-rest/external-task/t-1/complete').set('Authorization', worker()).send({ workerId: 'w1' });
    expect(res.status).toBe(504);
    expect(res.body.error).toBe('engine_timeout');
  });

  it('aborts the engine request when the client disconnects', async () => {
    let engineSawClose: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (engineSawClose = resolve));
    const hanging = createServer((req) => req.socket.on('close', engineSawClose));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const other = await startProxyHarness({ ENGINE_URL: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/engine-rest` });
    const otherServer = other.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => otherServer.once('listening', resolve));
    try {
      const client = httpRequest({
        host: '127.0.0.1',
        port: (otherServer.address() as AddressInfo).port,
        path: '/engine-rest/external-task/fetchAndLock',
        method: 'POST',
        headers: { authorization: `Bearer ${mintMachineToken(other.key, { machineId: 'mch_2w', scopes: ['camunda:worker'] })}`, 'content-type': 'application/json' },
      });
      client.on('error', () => undefined);
      client.end(JSON.stringify({ ...fetchAndLock, asyncResponseTimeout: 60_000 }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      client.destroy();
      await expect(Promise.race([closed.then(() => 'aborted'), new Promise((resolve) => setTimeout(() => resolve('still open'), 3_000))])).resolves.toBe('aborted');
    } finally {
      otherServer.close();
      await other.close();
      hanging.closeAllConnections();
      hanging.close();
    }
  });
});

describe('opening more paths by configuration', () => {
  it('read-only GET /history/** for administrators', async () => {
    const file = join(tmpdir(), `routes-passthrough-${process.pid}.json`);
    const map = JSON.parse(readFileSync('routes.config.json', 'utf8')) as { passthrough: object[] };
    map.passthrough.push({ id: 'history.read', method: 'GET', path: '/history/**', allow: { roles: ['org:admin'] } });
    writeFileSync(file, JSON.stringify(map));
    const configured = await startProxyHarness({ ROUTES_CONFIG: file }, { engine: h.engine });
    try {
      await request(configured.app).get('/engine-rest/history/process-instance?finished=true').set('Authorization', configured.bearer(testUsers.admin)).expect(200);
      expect(h.engine.lastRequest()!.url).toBe('/engine-rest/history/process-instance?finished=true');
      await request(configured.app).get('/engine-rest/history/task/t-1/anything').set('Authorization', configured.bearer(testUsers.admin)).expect(200);
      await request(configured.app).get('/engine-rest/history/process-instance').set('Authorization', configured.bearer(testUsers.alice)).expect(403);
      await request(configured.app).delete('/engine-rest/history/process-instance/x').set('Authorization', configured.bearer(testUsers.admin)).expect(403);
      await request(configured.app).get('/engine-rest/history/process-instance').set('Authorization', worker()).expect(403);
    } finally {
      await configured.close();
    }
  });
});
