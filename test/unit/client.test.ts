import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { knownTypes } from '../../src/engine/variables.js';
import {
  CamundaProxyError,
  camundaRoutes,
  createCamundaClient,
  engineVariableTypes,
  errorStatuses as clientErrorStatuses,
  proxyErrorCodes,
  type CamundaClient,
  type ClientRoute,
} from '@clerk-camunda-proxy/client';
import { loadRouteMap, parseRouteMap, type RouteMap } from '../../src/routes/routeMap.js';
import { errorStatuses } from '../../src/http/errors.js';
import { openApiDocument } from '../../src/openapi/index.js';
import { testUsers } from '../support/clerkTokens.js';
import { standInProcessDefinitions } from '../support/engineStandIn.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

const shippedPath = fileURLToPath(new URL('../../routes.config.json', import.meta.url));
const shipped = loadRouteMap(shippedPath);

/** What differs between the client's route table and the routes the app serves (route map plus built-ins). */
function drift(clientRoutes: Readonly<Record<string, ClientRoute>>, routeMap: RouteMap): string[] {
  const served = new Map<string, { method: string; path: string }>();
  // The client covers the /api surface; operations, health and the passthrough are not for frontends.
  for (const item of Object.entries(openApiDocument(routeMap).paths).filter(([path]) => path.startsWith('/api/'))) {
    for (const [method, op] of Object.entries(item[1])) served.set(op.operationId, { method: method.toUpperCase(), path: item[0].replace(/\{(\w+)\}/g, ':$1') });
  }
  served.delete('health');
  const problems: string[] = [];
  const byRouteId = new Map(Object.entries(clientRoutes).map(([name, route]) => [route.routeId, { name, ...route }]));
  for (const [id, route] of served) {
    const client = byRouteId.get(id);
    if (!client) problems.push(`route ${id} has no client method`);
    else if (client.method !== route.method || client.path !== route.path) {
      problems.push(`${client.name} calls ${client.method} ${client.path}, but ${id} is ${route.method} ${route.path}`);
    }
  }
  for (const [id, client] of byRouteId) if (!served.has(id)) problems.push(`${client.name} calls ${id}, which the app does not serve`);
  return problems;
}

describe('the client and the route map', () => {
  it('agree: every route has a client method with its method and path, and every method a route', () => {
    expect(drift(camundaRoutes, shipped)).toEqual([]);
  });

  it('drift is caught: a new route, a moved path, a removed route', () => {
    const json = JSON.parse(readFileSync(shippedPath, 'utf8')) as { routes: { id: string; path: string }[] };
    const routes = json.routes
      .filter((route) => route.id !== 'task.unclaim')
      .map((route) => (route.id === 'tasks.get' ? { ...route, path: '/api/task/:id' } : route));
    const drifted = parseRouteMap({ routes: [...routes, { id: 'history.instances', method: 'GET', path: '/api/history/instances', engine: '/history/process-instance' }] });
    expect(drift(camundaRoutes, drifted).sort()).toEqual([
      'getTask calls GET /api/tasks/:id, but tasks.get is GET /api/task/:id',
      'route history.instances has no client method',
      'unclaimTask calls task.unclaim, which the app does not serve',
    ]);
  });

  it('has exactly one method per route entry', () => {
    const client = createCamundaClient({ baseUrl: 'http://proxy.invalid', getToken: () => 't' });
    expect(Object.keys(client).sort()).toEqual(Object.keys(camundaRoutes).sort());
  });

  it("knows the proxy's error codes and the engine's variable types", () => {
    expect([...proxyErrorCodes].sort()).toEqual(Object.keys(errorStatuses).sort());
    expect([...engineVariableTypes].sort()).toEqual([...knownTypes].sort());
  });

  it('shares one contract with the proxy: the server renders the codes and statuses the client exports', () => {
    expect(errorStatuses).toBe(clientErrorStatuses);
  });
});

describe('the client in a browser', () => {
  it('imports nothing but its own modules, so any bundler can ship it', () => {
    const dir = fileURLToPath(new URL('../../packages/client/src/', import.meta.url));
    const specifiers = readdirSync(dir).flatMap((file) => [...readFileSync(join(dir, file), 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)].map((match) => match[1]!));
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((specifier) => !specifier.startsWith('./'))).toEqual([]);
  });
});

describe('requests the client makes', () => {
  interface Sent {
    url: string;
    method: string;
    headers: Record<string, string>;
    body: unknown;
  }
  const fakeProxy = (answer: () => Response | Promise<Response>) => {
    const sent: Sent[] = [];
    const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
      sent.push({
        url: String(input),
        method: init.method ?? 'GET',
        headers: init.headers as Record<string, string>,
        body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
      });
      return answer();
    };
    return { sent, fetch: fetch as typeof globalThis.fetch };
  };
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
  const clientFor = (fetch: typeof globalThis.fetch, getToken: () => Promise<string | null> = async () => 'tok.en.x') =>
    createCamundaClient({ baseUrl: 'https://proxy.example.test/', getToken, fetch });

  it('sends the session token, encodes each path parameter as one segment, and serialises the query', async () => {
    const proxy = fakeProxy(() => json(200, []));
    const client = clientFor(proxy.fetch);
    await client.getTask('a/b c?d');
    await client.getTasks({ assignee: 'user_1', maxResults: 5, sortOrder: undefined });
    expect(proxy.sent.map((s) => s.url)).toEqual([
      'https://proxy.example.test/api/tasks/a%2Fb%20c%3Fd',
      'https://proxy.example.test/api/tasks?assignee=user_1&maxResults=5',
    ]);
    expect(proxy.sent[0]!.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer tok.en.x' });
  });

  it('sends start and complete bodies as JSON', async () => {
    const proxy = fakeProxy(() => json(201, { id: 'pi-1' }));
    const client = clientFor(proxy.fetch);
    await client.startProcess('order', { amount: 5, due: { value: '2026-01-02T03:04:05Z', type: 'Date' } }, 'order-1');
    await client.startProcess('order', {});
    await client.completeTask('t-1', { ok: true }, { withVariablesInReturn: true });
    expect(proxy.sent.map(({ method, url, body }) => [method, url.replace('https://proxy.example.test', ''), body])).toEqual([
      ['POST', '/api/processes/order/start', { variables: { amount: 5, due: { value: '2026-01-02T03:04:05Z', type: 'Date' } }, businessKey: 'order-1' }],
      ['POST', '/api/processes/order/start', { variables: {} }],
      ['POST', '/api/tasks/t-1/complete', { variables: { ok: true }, withVariablesInReturn: true }],
    ]);
    expect(proxy.sent[0]!.headers['Content-Type']).toBe('application/json');
  });

  it.each(['', '.', '..'])('refuses the path parameter %j before sending anything', async (id) => {
    const proxy = fakeProxy(() => json(200, {}));
    await expect(clientFor(proxy.fetch).getTask(id)).rejects.toThrow(TypeError);
    expect(proxy.sent).toHaveLength(0);
  });

  it('sends no Authorization header when there is no session token', async () => {
    const proxy = fakeProxy(() => json(200, []));
    await clientFor(proxy.fetch, async () => null).getProcesses();
    expect(proxy.sent[0]!.headers.Authorization).toBeUndefined();
  });

  it('returns undefined for 204', async () => {
    const proxy = fakeProxy(() => new Response(null, { status: 204 }));
    await expect(clientFor(proxy.fetch).claimTask('t-1')).resolves.toBeUndefined();
    expect(proxy.sent[0]!.body).toBeUndefined();
  });

  it("throws CamundaProxyError with the proxy's envelope", async () => {
    const envelope = { error: 'conflict', detail: 'task already claimed', timestamp: '2026-01-01T00:00:00.000Z', requestId: 'r-1' };
    const failure = await clientFor(fakeProxy(() => json(409, envelope)).fetch).claimTask('t-1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CamundaProxyError);
    expect(failure).toMatchObject({ name: 'CamundaProxyError', status: 409, envelope, message: 'conflict: task already claimed' });
  });

  it("throws CamundaProxyError with a made-up envelope when the answer is not the proxy's", async () => {
    const html = () => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html', 'X-Request-Id': 'lb-7' } });
    const failure = (await clientFor(fakeProxy(html).fetch).getProcesses().catch((error: unknown) => error)) as CamundaProxyError;
    expect(failure).toBeInstanceOf(CamundaProxyError);
    expect(failure.status).toBe(502);
    expect(failure.envelope).toMatchObject({ error: 'unexpected_response', requestId: 'lb-7' });
    expect(failure.envelope.detail).toContain('GET /api/processes (processes.list)');
    expect(Date.parse(failure.envelope.timestamp)).not.toBeNaN();
  });

  it('throws CamundaProxyError with status 0 when no answer arrives, keeping the cause', async () => {
    const offline = () => Promise.reject(new TypeError('fetch failed'));
    const failure = (await clientFor(fakeProxy(offline).fetch).getUser().catch((error: unknown) => error)) as CamundaProxyError;
    expect(failure).toBeInstanceOf(CamundaProxyError);
    expect(failure.status).toBe(0);
    expect(failure.envelope.error).toBe('network_error');
    expect(failure.cause).toBeInstanceOf(TypeError);
  });
});

describe('the client against the real app', () => {
  const alice = testUsers.alice;
  let h: ProxyHarness;
  let server: Server;
  let baseUrl: string;
  const clientAs = (token: () => string | null) => createCamundaClient({ baseUrl, getToken: async () => token() });
  let client: CamundaClient;

  beforeAll(async () => {
    // The admin is a platform operator here: what these tests look at is the client, not tenancy.
    h = await startProxyHarness({ PLATFORM_ADMINS: testUsers.admin.id });
    server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = clientAs(() => h.tokenFor(alice));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });
  beforeEach(() => h.engine.reset());

  it('lists processes and starts one, the engine getting typed variables and the initiator', async () => {
    const processes = await client.getProcesses();
    expect(processes.map((p) => p.key)).toEqual(standInProcessDefinitions.map((d) => d.key));
    const started = await client.startProcess('order', { amount: 1000 }, 'order-42');
    expect(started).toMatchObject({ businessKey: 'order-42', ended: false });
    const seen = h.engine.lastRequest()!;
    expect(seen.url).toBe('/engine-rest/process-definition/key/order/start');
    expect(seen.json).toMatchObject({ businessKey: 'order-42', variables: { amount: { value: 1000, type: 'Integer' }, initiator: { value: alice.id, type: 'String' } } });
  });

  it("deploys files as multipart for the caller's organisation, whatever tenant it names", async () => {
    const globexAdmin = clientAs(() => h.tokenFor(testUsers.otherAdmin));
    await globexAdmin.deploy([{ name: 'invoice.bpmn', content: '<definitions/>' }], { name: 'invoices' });
    const seen = h.engine.lastRequest()!;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/engine-rest/deployment/create');
    expect(seen.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength(seen.body)));
    expect(seen.body).toContain(`name="tenant-id"\r\n\r\n${testUsers.otherAdmin.orgId}\r\n`);
    expect(seen.body).toContain('name="deployment-name"\r\n\r\ninvoices\r\n');
    expect(seen.body).toMatch(/name="invoice.bpmn"; filename="invoice.bpmn"[\s\S]*<definitions\/>/);
  });

  it('a member may not deploy: the typed 403, and the engine is never asked', async () => {
    const failure = (await client.deploy([{ name: 'invoice.bpmn', content: '<definitions/>' }]).catch((error: unknown) => error)) as CamundaProxyError;
    expect(failure).toBeInstanceOf(CamundaProxyError);
    expect(failure.status).toBe(403);
    expect(h.engine.requests).toHaveLength(0);
  });

  it('answers who the caller is', async () => {
    await expect(client.getUser()).resolves.toMatchObject({ id: alice.id, email: alice.email, orgRole: 'org:member' });
  });

  it('claims, completes and unclaims a task of the caller: each answers what it did, variables when asked', async () => {
    // The policy's one question: "task t-1, if alice may see it".
    h.engine.answer('POST', '/engine-rest/task', { status: 200, body: [{ id: 't-1', assignee: alice.id, processInstanceId: 'p-1' }] });
    h.engine.answer('POST', /^\/engine-rest\/task\/t-1\/(un)?claim$/, { status: 204 });
    await expect(client.claimTask('t-1')).resolves.toEqual({ id: 't-1', assignee: alice.id });
    await expect(client.unclaimTask('t-1')).resolves.toEqual({ id: 't-1', assignee: null });
    await expect(client.completeTask('t-1', { approved: true })).resolves.toEqual({ id: 't-1', processInstanceId: 'p-1', completedBy: alice.id });
    const returned = await client.completeTask('t-1', { approved: true }, { withVariablesInReturn: true });
    expect(returned.variables!.approved).toEqual({ value: true, type: 'Boolean' });
  });

  it('reaches the engine with one encoded segment per path parameter', async () => {
    await clientAs(() => h.tokenFor(testUsers.admin)).getTask('a/b');
    expect(h.engine.lastRequest()!.url).toBe('/engine-rest/task/a%2Fb');
  });

  it('throws the typed 404 with the engine\'s detail', async () => {
    const failure = (await client.getProcess('nope').catch((error: unknown) => error)) as CamundaProxyError;
    expect(failure).toBeInstanceOf(CamundaProxyError);
    expect(failure.status).toBe(404);
    expect(failure.envelope).toMatchObject({ error: 'not_found', detail: expect.stringContaining('nope') });
  });

  it.each([
    ['an expired token', () => h.tokenFor(alice, { expiresInSeconds: -60 }), /token expired/],
    ['no token', () => null, /missing bearer token/],
  ])('throws the typed 401 for %s, and the engine is never asked', async (_name, token, detail) => {
    const failure = (await clientAs(token).getProcesses().catch((error: unknown) => error)) as CamundaProxyError;
    expect(failure).toBeInstanceOf(CamundaProxyError);
    expect(failure.status).toBe(401);
    expect(failure.envelope).toMatchObject({ error: 'unauthenticated', detail: expect.stringMatching(detail), requestId: expect.any(String) });
    expect(h.engine.requests).toHaveLength(0);
  });
});
