import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  json?: unknown;
}

export interface CannedAnswer {
  status: number;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

export interface EngineStandIn {
  /** http://127.0.0.1:PORT/engine-rest */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Every request received, in order, unauthorised ones included. */
  requests: RecordedRequest[];
  lastRequest(): RecordedRequest | undefined;
  /**
   * Sticky until reset(); the latest matching answer wins. `path` is the exact pathname
   * (including /engine-rest) or a RegExp tested against it; `method` '*' matches any.
   */
  answer(method: string, path: string | RegExp, answer: CannedAnswer | ((request: RecordedRequest) => CannedAnswer)): void;
  /** Delays every answer, on top of any per-answer delay. */
  slow(ms: number): void;
  /** Clears requests (in place), canned answers and slowness. */
  reset(): void;
  /** TCP connections accepted so far. */
  connections(): number;
  /** Closes the server and destroys open sockets, like an engine going down. */
  stop(): Promise<void>;
}

export interface EngineStandInOptions {
  user?: string;
  password?: string;
}

interface CannedRoute {
  method: string;
  path: string | RegExp;
  /** A fixed answer, or one chosen by what was asked (e.g. a query's body). */
  answer: CannedAnswer | ((request: RecordedRequest) => CannedAnswer);
}

const BASE = '/engine-rest';

export const standInProcessDefinitions = [
  definition('order', 'Order', 'order:1:6f1d2c1e-0000-4000-8000-000000000001'),
  definition('leaveRequest', 'Leave request', 'leaveRequest:1:6f1d2c1e-0000-4000-8000-000000000002'),
];

export async function startEngineStandIn(opts: EngineStandInOptions = {}): Promise<EngineStandIn> {
  const expectedAuthorization = 'Basic ' + Buffer.from(`${opts.user ?? 'demo'}:${opts.password ?? 'demo'}`).toString('base64');
  const requests: RecordedRequest[] = [];
  let routes: CannedRoute[] = [];
  let slowMs = 0;
  let accepted = 0;
  // Cleared on stop() so a delayed answer cannot keep a test process alive.
  const pendingDelays = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('connection', () => {
    accepted++;
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    const json = parseJson(body);
    if (json !== undefined) recorded.json = json;
    requests.push(recorded);

    // The real engine sets a session cookie on every answer; the proxy must not pass it on.
    res.setHeader('Set-Cookie', 'JSESSIONID=abc; Path=/');
    const answer =
      req.headers.authorization === expectedAuthorization
        ? cannedAnswer(recorded) ?? defaultAnswer(recorded)
        : { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="default"' } };
    const delay = slowMs + (answer.delayMs ?? 0);
    if (delay > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          pendingDelays.delete(timer);
          resolve();
        }, delay);
        pendingDelays.add(timer);
      });
    }
    if (!res.destroyed) send(res, answer);
  }

  function cannedAnswer(request: RecordedRequest): CannedAnswer | undefined {
    const pathname = pathnameOf(request.url);
    for (let i = routes.length - 1; i >= 0; i--) {
      const route = routes[i]!;
      const methodMatches = route.method === '*' || route.method.toUpperCase() === request.method;
      const pathMatches = typeof route.path === 'string' ? route.path === pathname : regexMatches(route.path, pathname);
      if (methodMatches && pathMatches) return typeof route.answer === 'function' ? route.answer(request) : route.answer;
    }
    return undefined;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin + BASE,
    origin,
    requests,
    lastRequest: () => requests.at(-1),
    answer(method, path, answer) {
      routes.push({ method, path, answer });
    },
    slow(ms) {
      slowMs = ms;
    },
    reset() {
      requests.length = 0;
      routes = [];
      slowMs = 0;
    },
    connections: () => accepted,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of pendingDelays) clearTimeout(timer);
        pendingDelays.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function defaultAnswer(request: RecordedRequest): CannedAnswer {
  const pathname = pathnameOf(request.url);
  const segments = pathname.startsWith(BASE + '/') ? pathname.slice(BASE.length + 1).split('/').map(safeDecode) : [];
  const route = `${request.method} ${segments.map((s, i) => (isParam(segments, i) ? ':' : s)).join('/')}`;

  switch (route) {
    case 'GET version':
      return { status: 200, body: { version: '7.24.0' } };
    case 'GET process-definition':
      return { status: 200, body: standInProcessDefinitions };
    case 'GET process-definition/key/:':
      return definitionAnswer(segments[2]!, (found) => found);
    case 'POST process-definition/key/:/start':
      return definitionAnswer(segments[2]!, (found) => ({
        links: [],
        id: randomUUID(),
        definitionId: found.id,
        businessKey: jsonField(request.json, 'businessKey') ?? null,
        caseInstanceId: null,
        ended: false,
        suspended: false,
        tenantId: null,
      }));
    case 'GET task':
    case 'POST task':
      return { status: 200, body: [] };
    case 'POST task/:/complete':
      // Like the engine: 204, unless the caller asked for the process variables back.
      return jsonField(request.json, 'withVariablesInReturn') === true
        ? { status: 200, body: jsonField(request.json, 'variables') ?? {} }
        : { status: 204 };
    default:
      return { status: 200, body: { ok: true, path: pathname } };
  }
}

/** Which path segments are ids rather than fixed words, for the few routes modelled above. */
function isParam(segments: string[], index: number): boolean {
  if (segments[0] === 'process-definition' && segments[1] === 'key') return index === 2;
  if (segments[0] === 'task') return index === 1;
  return false;
}

function definitionAnswer(key: string, body: (found: (typeof standInProcessDefinitions)[number]) => unknown): CannedAnswer {
  const found = standInProcessDefinitions.find((d) => d.key === key);
  if (!found) {
    return {
      status: 404,
      body: { type: 'RestException', message: `No matching process definition with key: ${key} and no tenant-id` },
    };
  }
  return { status: 200, body: body(found) };
}

function definition(key: string, name: string, id: string) {
  return {
    id,
    key,
    category: 'http://bpmn.io/schema/bpmn',
    description: null,
    name,
    version: 1,
    resource: `${key}.bpmn`,
    deploymentId: id.split(':')[2]!,
    diagram: null,
    suspended: false,
    tenantId: null,
    versionTag: null,
    historyTimeToLive: 30,
    startableInTasklist: true,
  };
}

function send(res: ServerResponse, answer: CannedAnswer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload: string | undefined;
  if (typeof answer.body === 'string') {
    payload = answer.body;
  } else if (answer.body !== undefined) {
    payload = JSON.stringify(answer.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  }
  res.writeHead(answer.status, headers);
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(body: string): unknown {
  if (body === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function jsonField(json: unknown, field: string): unknown {
  return typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[field] : undefined;
}

function regexMatches(pattern: RegExp, text: string): boolean {
  // A /g or /y pattern is stateful under test(); restart it so matching stays repeatable.
  pattern.lastIndex = 0;
  return pattern.test(text);
}

/** Deliberately not normalised: a proxy that lets `..` through must show up as such. */
function pathnameOf(url: string): string {
  return url.split('?')[0]!;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
