import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadRouteMap, parseRouteMap, type RouteMap } from '../../src/routes/routeMap.js';
import { mintMachineToken, testUsers } from '../support/clerkTokens.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';
import { startWireEngine, type WireEngine, type WireRequest } from '../support/wireEngine.js';

// The shipped route map plus a user-open `/**` passthrough rule, the README's own example shape.
const shipped = loadRouteMap('routes.config.json');
const routeMap: RouteMap = parseRouteMap({
  routes: shipped.routes,
  processes: shipped.processes,
  passthrough: [...shipped.passthrough, { id: 'history.any', method: 'GET', path: '/history/**' }],
});

const alice = testUsers.alice;
const SMUGGLED = 'GET /engine-rest/smuggled HTTP/1.1\r\nHost: engine\r\nX-Ignore: ';

/** The bodies an attacker or a sloppy client sends, each as the headers and bytes on the wire. */
const bodies = {
  none: { headers: '', payload: '' },
  text: { headers: 'Content-Type: text/plain\r\nContent-Length: 5\r\n', payload: 'hello' },
  chunked: { headers: 'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n', payload: '7\r\n{"a":1}\r\n0\r\n\r\n', decoded: '{"a":1}' },
  jsonOnBodiless: { headers: 'Content-Type: application/json\r\nContent-Length: 16\r\n', payload: '{"variables":{}}' },
  nonJsonOnJson: { headers: 'Content-Type: text/plain\r\nContent-Length: 16\r\n', payload: '{"variables":{}}' },
  declaresMore: { headers: 'Content-Type: application/json\r\nContent-Length: 100\r\n', payload: '{"a":', partial: true },
  smuggledText: { headers: `Content-Type: text/plain\r\nContent-Length: ${SMUGGLED.length}\r\n`, payload: SMUGGLED },
  smuggledJson: { headers: `Content-Type: application/json\r\nContent-Length: ${SMUGGLED.length}\r\n`, payload: SMUGGLED },
} as const satisfies Record<string, { headers: string; payload: string; decoded?: string; partial?: boolean }>;
type BodyName = keyof typeof bodies;

interface Endpoint {
  name: string;
  method: string;
  path: string;
  authorization?: string;
  /** What the endpoint does with a body, by its definition: none, JSON, forwarded as is, or ignored (built-ins). */
  takes: 'none' | 'json' | 'raw' | 'ignored';
}

let h: ProxyHarness;
let engine: WireEngine;
let server: Server;
let port = 0;

function engineAnswer(request: WireRequest): { status: number; body?: unknown } {
  const path = request.target.split('?')[0]!;
  if (/\/count$/.test(path)) return { status: 200, body: { count: 1 } };
  if (request.method === 'GET' && /^\/engine-rest\/task\/[^/]+$/.test(path)) return { status: 200, body: { id: path.split('/').pop(), assignee: alice.id, processInstanceId: 'pi-1' } };
  // The policies' one question: "this task, if the caller may see it".
  if (request.method === 'POST' && path === '/engine-rest/task') return { status: 200, body: [{ id: 't-1', assignee: alice.id, processInstanceId: 'pi-1' }] };
  if (/identity-links/.test(path)) return { status: 200, body: [] };
  if (/\/(complete|claim|unclaim)$/.test(path)) return { status: 204 };
  return { status: 200, body: {} };
}

function endpoints(): Endpoint[] {
  const user = h.bearer(alice);
  const machine = `Bearer ${mintMachineToken(h.key, { machineId: 'mch_2wire', scopes: ['camunda:worker'] })}`;
  const fill = (path: string) => path.replace(/:key/g, 'order').replace(/:[A-Za-z]+/g, 't-1').replace(/\/\*\*$/, '/task');
  return [
    ...routeMap.routes.map((route): Endpoint => ({
      name: route.id,
      method: route.method,
      path: fill(route.path),
      authorization: user,
      // An intercept reads a body whatever the method (DELETE /api/instances/:id takes a reason).
      takes: route.body ?? (route.intercept || (route.method !== 'GET' && route.method !== 'DELETE') ? 'json' : 'none'),
    })),
    ...routeMap.passthrough.map((rule): Endpoint => ({
      name: rule.id,
      method: rule.method,
      path: `/engine-rest${fill(rule.path)}`,
      authorization: rule.allow?.machines ? machine : user,
      takes: rule.method === 'GET' || rule.method === 'DELETE' ? 'none' : 'raw',
    })),
    ...['/health', '/ready', '/metrics', '/openapi.json'].map((path): Endpoint => ({ name: path, method: 'GET', path, takes: 'ignored' })),
  ];
}

/** One request on its own client connection, written byte for byte; resolves with the status, if any. */
function send(endpoint: Endpoint, body: BodyName): Promise<number | undefined> {
  const { headers, payload, partial } = bodies[body] as { headers: string; payload: string; partial?: boolean };
  const head =
    `${endpoint.method} ${endpoint.path} HTTP/1.1\r\nHost: proxy.test\r\nConnection: close\r\n` +
    (endpoint.authorization ? `Authorization: ${endpoint.authorization}\r\n` : '') +
    headers +
    '\r\n';
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const finish = () => {
      clearTimeout(limit);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      resolve(status ? Number(status) : undefined);
    };
    const limit = setTimeout(finish, 3_000);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(head + payload);
    // A body that declares more than it sends: the client gives up after a while.
    if (partial) setTimeout(() => socket.end(), 200);
  });
}

/** What reached the engine socket so far is exactly a sequence of whole, proxy-framed requests. */
function expectCleanEngineSockets(): void {
  for (const connection of engine.connections) {
    expect(connection.error).toBeUndefined();
    expect(connection.pending().toString('latin1')).toBe('');
  }
}

beforeAll(async () => {
  engine = await startWireEngine(engineAnswer);
  h = await startProxyHarness({ ENGINE_URL: engine.url, BODY_LIMIT: '64kb' }, { routeMap });
  server = h.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.close();
  await h.close();
  await engine.stop();
});

const cases = (): [string, BodyName][] => {
  const names = Object.keys(bodies) as BodyName[];
  return names.map((body) => [body, body]);
};

describe('the engine socket only ever carries what the proxy framed', () => {
  // The matrix is generated from the route map, so a route added by configuration is covered too.
  it.each(cases())('for every route, passthrough rule and built-in endpoint, with body %s', async (_label, body) => {
    const spec = bodies[body] as { payload: string; decoded?: string; partial?: boolean };
    const sent = spec.payload.length > 0;
    for (const endpoint of endpoints()) {
      const before = engine.requests.length;
      const status = await send(endpoint, body);
      // Let anything the proxy might still write reach the engine before looking.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const reached = engine.requests.slice(before);
      const where = `${endpoint.name} with ${body}: ${reached.map((request) => `${request.method} ${request.target}`).join(', ')}`;

      expectCleanEngineSockets();
      for (const request of reached) {
        expect({ where, target: request.target }).toEqual({ where, target: expect.not.stringContaining('smuggled') });
        expect({ where, framing: request.framing }).toEqual({ where, framing: request.body.length > 0 ? 'content-length' : expect.stringMatching(/none|content-length/) });
        if (request.method === 'GET') expect({ where, body: request.body.length }).toEqual({ where, body: 0 });
        // Only the passthrough forwards a client's body as it is (framed, so the engine reads it as a body).
        if (endpoint.takes !== 'raw') expect({ where, body: request.body.toString('latin1') }).toEqual({ where, body: expect.not.stringContaining('HTTP/1.1') });
        if (request.headers['transfer-encoding'] !== undefined) throw new Error(`${where}: chunked toward the engine`);
      }

      if (spec.partial && endpoint.takes !== 'ignored') {
        // Nothing was read in full, so nothing may have been sent.
        expect({ where, reached: reached.length }).toEqual({ where, reached: 0 });
        continue;
      }
      if (!sent || endpoint.takes === 'ignored') {
        if (endpoint.takes === 'ignored') expect({ where, paths: reached.every((request) => request.target === '/engine-rest/version') }).toEqual({ where, paths: true });
        continue;
      }
      if (endpoint.takes === 'none' && (endpoint.method === 'GET' || endpoint.method === 'DELETE')) {
        expect({ where, status, reached: reached.length }).toEqual({ where, status: 400, reached: 0 });
      } else if (endpoint.takes === 'none') {
        // An action that takes none (unclaim) reads the body and drops it: the engine never gets it.
        const client = spec.decoded ?? spec.payload;
        expect({ where, carried: reached.some((request) => request.body.toString('latin1').includes(client)) }).toEqual({ where, carried: false });
      } else if (endpoint.takes === 'json' && !/json/.test(bodies[body].headers)) {
        expect({ where, status, reached: reached.length }).toEqual({ where, status: 415, reached: 0 });
      } else if (endpoint.takes === 'json' && body === 'smuggledJson') {
        expect({ where, status, reached: reached.length }).toEqual({ where, status: 400, reached: 0 });
      } else if (endpoint.takes === 'raw' && body === 'smuggledJson') {
        // The passthrough reads a body labelled JSON before forwarding it (for the proxy-owned variable
        // names): one that is not JSON is refused, never forwarded unread.
        expect({ where, status, reached: reached.length }).toEqual({ where, status: 400, reached: 0 });
      } else if (endpoint.takes === 'raw') {
        // The passthrough forwards exactly the client's body (de-chunked), once, with its own Content-Length.
        expect({ where, bodies: reached.map((request) => request.body.toString('latin1')) }).toEqual({ where, bodies: [spec.decoded ?? spec.payload] });
      }
    }
  });

  it('keeps the next request on a reused engine socket the proxy\'s own', async () => {
    const list = endpoints().find((endpoint) => endpoint.name === 'tasks.list')!;
    await send(list, 'smuggledText');
    const before = engine.requests.length;
    expect(await send({ ...list, name: 'processes.list', path: '/api/processes' }, 'none')).toBe(200);
    expect(engine.requests.slice(before).map((request) => `${request.method} ${request.target.split('?')[0]}`)).toEqual(['GET /engine-rest/process-definition']);
    expectCleanEngineSockets();
  });
});

describe("';' path parameters", () => {
  const refused = [
    ['/api', 'GET', '/api/tasks/t-1;x=1'],
    ['/api, encoded', 'GET', '/api/tasks/t-1%3Bx'],
    ['/api, in a literal segment', 'GET', '/api/tasks;x/t-1'],
    ['the passthrough with a /** rule', 'GET', '/engine-rest/history/..;/task'],
    ['the passthrough, plain', 'GET', '/engine-rest/history/task;jsessionid=1'],
    ['the passthrough, encoded', 'GET', '/engine-rest/history/a%3b/task'],
  ];
  it.each(refused)('are refused on %s, before the engine sees anything', async (_where, method, path) => {
    const before = engine.requests.length;
    const status = await send({ name: path, method, path, authorization: h.bearer(alice), takes: 'none' }, 'none');
    expect(status).toBe(400);
    expect(engine.requests.length).toBe(before);
  });

  it('lets the /** rule forward the path it matched, re-encoded', async () => {
    const before = engine.requests.length;
    expect(await send({ name: 'history', method: 'GET', path: '/engine-rest/history/task?taskId=a', authorization: h.bearer(alice), takes: 'none' }, 'none')).toBe(200);
    expect(engine.requests.slice(before).map((request) => request.target)).toEqual(['/engine-rest/history/task?taskId=a']);
  });
});
