import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { testUsers } from '../support/clerkTokens.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

/**
 * An engine whose first answer carries bytes beyond its own Content-Length: a socket whose framing
 * went wrong must be destroyed, so those bytes can never be read as the answer to someone else's
 * request. Every later answer is well framed.
 */
let server: Server;
let connections = 0;
let answered = 0;
const sockets = new Set<Socket>();
let h: ProxyHarness;

beforeAll(async () => {
  server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        answered += 1;
        const body = answered === 1 ? '[]' : '[{"id":"fresh"}]';
        const trailing = answered === 1 ? 'HTTP/1.1 200 OK\r\ncontent-length: 22\r\n\r\n[{"id":"someone else"}]' : '';
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}${trailing}`);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  h = await startProxyHarness({ ENGINE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/engine-rest`, PLATFORM_ADMINS: testUsers.admin.id, ENGINE_MAX_SOCKETS: '1' });
});
afterAll(async () => {
  await h.close();
  for (const socket of sockets) socket.destroy();
  server.close();
});

it('never reuses an engine socket that carried bytes beyond an answer', async () => {
  await request(h.app).get('/api/processes').set('Authorization', h.bearer(testUsers.admin)).catch(() => undefined);
  const next = await request(h.app).get('/api/processes').set('Authorization', h.bearer(testUsers.admin));
  expect(next.status).toBe(200);
  expect(next.body).toEqual([{ id: 'fresh' }]);
  expect(connections).toBe(2);
});
