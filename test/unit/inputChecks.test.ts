import { connect, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { testUsers } from '../support/clerkTokens.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness({ BODY_LIMIT: '1kb' });
});
afterAll(() => h.close());
beforeEach(() => h.engine.reset());

const admin = testUsers.admin;

describe('client mistakes are 400 before the engine is asked', () => {
  it.each(['firstResult=-10', 'maxResults=abc', 'firstResult=1e3', 'maxResults=', 'firstResult=0&firstResult=-1'])('refuses ?%s', async (query) => {
    const res = await request(h.app).get(`/api/tasks?${query}`).set('Authorization', h.bearer(admin));
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/must be a whole number/);
    expect(h.engine.requests).toHaveLength(0);
  });

  it.each(['%C2%B5%C2%A4=1', "'=null", 'a%00b=1', 'x-y=1', '1abc=2'])('refuses a parameter name that is no engine-rest identifier: ?%s', async (query) => {
    const res = await request(h.app).get(`/api/instances?${query}`).set('Authorization', h.bearer(admin));
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/is not an engine-rest parameter/);
    expect(h.engine.requests).toHaveLength(0);
  });

  it('lets valid paging through to the engine', async () => {
    await request(h.app).get('/api/tasks?firstResult=0&maxResults=5').set('Authorization', h.bearer(admin)).expect(200);
    expect(h.engine.lastRequest()!.url).toBe('/engine-rest/task?firstResult=0&maxResults=5');
  });

  it.each([['true'], ['[]'], ['"me"'], ['null'], ['{"userId": 5}']])('refuses a claim body of %s', async (body) => {
    const res = await request(h.app).post('/api/tasks/t-1/claim').set('Authorization', h.bearer(admin)).set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(400);
    expect(h.engine.requests).toHaveLength(0);
  });

});

describe('raw bodies', () => {
  let server: Server;
  beforeAll(async () => {
    server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  /** Writes the bytes as they are and resolves with the answer's head. */
  const exchange = (bytes: Buffer | string) => {
    const { port } = server.address() as AddressInfo;
    return new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n')) setTimeout(() => socket.destroy(), 100);
      });
      socket.on('close', () => resolve(text));
      socket.write(bytes);
    });
  };
  const head = (length: number) =>
    `POST /api/processes/order/start HTTP/1.1\r\nHost: p\r\nAuthorization: ${h.bearer(admin)}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

  it('is refused with 413 before a byte of the body is sent', async () => {
    const answer = await exchange(head(50_000_000));
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/connection: close/i);
    expect(h.engine.requests).toHaveLength(0);
  });

  it("a client's Expect: 100-continue is answered here and never crosses to the engine", async () => {
    h.engine.answer('POST', '/engine-rest/process-definition/key/order/start', { status: 200, body: { id: 'p-1', links: [] } });
    const body = JSON.stringify({ variables: { note: 'x'.repeat(200) } });
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      let sentBody = false;
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('100 Continue') && !sentBody) {
          sentBody = true;
          socket.write(body);
        }
        if (/HTTP\/1\.1 201[\s\S]*\r\n\r\n\{/.test(text)) setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => resolve(text));
      socket.write(`${head(Buffer.byteLength(body)).slice(0, -2)}Expect: 100-continue\r\n\r\n`);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue/);
    expect(answer).toMatch(/HTTP\/1\.1 201 /);
    const sent = h.engine.lastRequest()!;
    expect(sent.headers.expect).toBeUndefined();
    expect(JSON.parse(sent.body).variables.note.value).toBe('x'.repeat(200));
  });

  it('and invalid UTF-8 inside a JSON string is refused instead of stored as replacement characters', async () => {
    const body = Buffer.concat([Buffer.from('{"variables":{"note":"a'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
    const answer = await exchange(Buffer.concat([Buffer.from(head(body.length)), body]));
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('request body is not valid UTF-8');
    expect(h.engine.requests).toHaveLength(0);
  });
});
