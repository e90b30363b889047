/**
 * A fast Camunda engine-rest stand-in for the benchmark, run in its own process.
 * GET /engine-rest/process-definition answers a fixed JSON body; BasicAuth demo:demo is required
 * (401 otherwise, like the real engine). Counts TCP connections so keep-alive reuse is visible.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const EXPECTED_AUTHORIZATION = `Basic ${Buffer.from('demo:demo').toString('base64')}`;

const definition = (key: string, name: string, version: number) => ({
  id: `${key}:${version}:${'0'.repeat(8)}-${key.length}a1b-11ef-9c1d-0242ac120002`,
  key,
  category: 'http://bpmn.io/schema/bpmn',
  description: null,
  name,
  version,
  resource: `${key}.bpmn`,
  deploymentId: '0f3e1c2a-1a1b-11ef-9c1d-0242ac120002',
  diagram: null,
  suspended: false,
  tenantId: null,
  versionTag: null,
  historyTimeToLive: 180,
  startableInTasklist: true,
});
const body = Buffer.from(
  JSON.stringify([
    definition('order', 'Order', 3),
    definition('jsonCheck', 'Json check', 1),
    definition('leaveRequest', 'Leave request', 2),
    definition('invoiceWorker', 'Invoice worker', 1),
  ]),
);
const unauthorized = Buffer.from(JSON.stringify({ type: 'AuthenticationException', message: 'Unauthorized' }));
const notFound = Buffer.from(JSON.stringify({ type: 'NotFoundException', message: 'not found' }));

let connectionsOpened = 0;
let connectionsOpen = 0;
let requests = 0;
let unauthorizedRequests = 0;

function send(res: ServerResponse, status: number, payload: Buffer): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': payload.length });
  res.end(payload);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  requests += 1;
  if (req.headers.authorization !== EXPECTED_AUTHORIZATION) {
    unauthorizedRequests += 1;
    res.setHeader('www-authenticate', 'Basic realm="engine"');
    send(res, 401, unauthorized);
    return;
  }
  const url = req.url ?? '';
  const path = url.includes('?') ? url.slice(0, url.indexOf('?')) : url;
  if (req.method === 'GET' && path === '/engine-rest/process-definition') return send(res, 200, body);
  if (req.method === 'GET' && path === '/engine-rest/version') return send(res, 200, Buffer.from('{"version":"7.24.0"}'));
  send(res, 404, notFound);
}

const server = createServer({ keepAlive: true }, handle);
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.on('connection', (socket) => {
  connectionsOpened += 1;
  connectionsOpen += 1;
  socket.once('close', () => {
    connectionsOpen -= 1;
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'ready', port, bodyBytes: body.length });
});

process.on('message', (message: { type?: string; id?: number }) => {
  if (message?.type === 'stats') {
    process.send?.({ type: 'stats', id: message.id, connectionsOpened, connectionsOpen, requests, unauthorizedRequests });
  } else if (message?.type === 'stop') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
