import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import type { Response as TestResponse } from 'supertest';
import { createApp, type ProxyApp } from '../../src/app.js';
import { loadConfig, type ProxyConfig } from '../../src/config/env.js';
import { loadRouteMap, type RouteDefinition, type RouteMap } from '../../src/routes/routeMap.js';
import { createLogger } from '../../src/http/log.js';
import type { AuditRecord } from '../../src/audit/auditRecord.js';
import { mintSessionToken, testUsers, type SessionTokenOptions, type SessionUser } from './clerkTokens.js';
import { baseEnv, testSigningKey } from './proxyHarness.js';
import { ENGINE_FLAVOURS, engineFlavourFrom, type EngineFlavourInfo } from '../../scripts/engine.js';

export { testUsers };

export const ENGINE_AUTH = 'demo:demo';

/** The engine this contract project runs on (ENGINE_TEST_FLAVOUR, set by test/contract/engineUnderTest.ts). */
export const engineUnderTest: EngineFlavourInfo = ENGINE_FLAVOURS[engineFlavourFrom(process.env.ENGINE_TEST_FLAVOUR)];

/** A top-level describe's name with the engine it runs on, so a failure says where: 'operaton 1.0.3: the managers task'. */
export function onEngine(name: string): string {
  return `${engineUnderTest.label}: ${name}`;
}

/** The real engine started by the contract project's global setup (test/contract/contractEngine.ts), or one you started yourself. */
export function engineTestUrl(): string {
  const url = process.env.ENGINE_TEST_URL;
  if (!url) {
    throw new Error(
      "ENGINE_TEST_URL is not set: run a contract project (npm test -- --selectProjects 'contract (camunda 7.24)'), whose globalSetup starts the engine",
    );
  }
  return url.replace(/\/+$/, '');
}

/** One line of the proxy's own access log: which route served which request, with what status. */
export interface ServedRequest {
  requestId: string;
  method: string;
  path: string;
  route: string | null;
  status: number | null;
  engineStatus: number | null;
  error?: string;
}

export interface ContractProxy {
  app: Express;
  proxy: ProxyApp;
  config: ProxyConfig;
  routeMap: RouteMap;
  /** The engine-rest URL the proxy points at (ENGINE_URL). */
  engineUrl: string;
  /** A valid session token for the user (alice by default), signed by the test key. */
  tokenFor(user?: SessionUser, options?: SessionTokenOptions): string;
  bearer(user?: SessionUser, options?: SessionTokenOptions): string;
  /** Every request this proxy served, from its access log (res.locals.routeId, status). */
  served: ServedRequest[];
  /** Every audit record this proxy wrote (AUDIT_LOG=stdout, the default), in order. */
  audited: AuditRecord[];
  /** The access-log entry of a supertest response, matched by its X-Request-Id. */
  servedBy(res: TestResponse): Promise<ServedRequest>;
  close(): void;
}

/**
 * The real app, real Clerk verification (tokens signed by the test key), pointed at the real
 * engine in ENGINE_TEST_URL unless `env.ENGINE_URL` says otherwise. The access log is kept in
 * memory (`served`) so tests can prove which route id served a request.
 */
export function startContractProxy(env: NodeJS.ProcessEnv = {}): ContractProxy {
  const key = testSigningKey();
  const config = loadConfig({ ...baseEnv(key, env.ENGINE_URL ?? engineTestUrl()), LOG_LEVEL: 'info', ...env });
  const routeMap = loadRouteMap(config.routesConfigPath);
  const served: ServedRequest[] = [];
  const audited: AuditRecord[] = [];
  const accessLogSink = {
    write(line: string) {
      for (const text of line.split('\n')) {
        if (!text.trim()) continue;
        const entry = JSON.parse(text) as { msg?: string };
        if (entry.msg === 'audit') audited.push(entry as AuditRecord);
        else served.push(entry as ServedRequest);
      }
    },
  };
  const proxy = createApp(config, routeMap, { log: createLogger('silent'), accessLogSink });
  const tokenFor = (user: SessionUser = testUsers.alice, options?: SessionTokenOptions) => mintSessionToken(key, user, options);

  async function servedBy(res: TestResponse): Promise<ServedRequest> {
    const requestId = res.headers['x-request-id'] as string | undefined;
    if (!requestId) throw new Error('response has no X-Request-Id');
    // morgan writes on 'finish', which can land a tick after the client has the whole answer.
    for (let i = 0; i < 50; i++) {
      const entry = served.find((s) => s.requestId === requestId);
      if (entry) return entry;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`no access-log entry for request ${requestId}`);
  }

  return {
    app: proxy.app,
    proxy,
    config,
    routeMap,
    engineUrl: config.engine.url,
    tokenFor,
    bearer: (user, options) => `Bearer ${tokenFor(user, options)}`,
    served,
    audited,
    servedBy,
    close: () => proxy.close(),
  };
}

export interface EngineAnswer<T = unknown> {
  status: number;
  text: string;
  /** Parsed body, or undefined when empty or not JSON. */
  json: T;
}

/**
 * Calls the real engine directly (not through the proxy), BasicAuth demo:demo unless `auth` says
 * otherwise; `auth: null` sends no Authorization header at all.
 */
export async function engineDirect<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  auth: string | null = ENGINE_AUTH,
  engineUrl: string = engineTestUrl(),
): Promise<EngineAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (auth !== null) headers.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${engineUrl}${path}`, {
    method,
    headers,
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json: json as T };
}

/** The route map the proxy serves, read the way an operator wrote it. */
export function configuredRoutes(path = './routes.config.json'): RouteDefinition[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { routes: RouteDefinition[] }).routes;
}

/** A business key unique to this test run, so tests can find their own instances in a shared engine. */
export function uniqueKey(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Process instances (running) with this business key, straight from the engine. */
export async function instancesByBusinessKey(businessKey: string): Promise<{ id: string }[]> {
  const answer = await engineDirect<{ id: string }[]>('GET', `/process-instance?businessKey=${encodeURIComponent(businessKey)}`);
  if (answer.status !== 200) throw new Error(`engine answered ${answer.status}: ${answer.text}`);
  return answer.json;
}

/** Historic instances (running or ended) with this business key: proves whether anything was ever created. */
export async function historicInstancesByBusinessKey(businessKey: string): Promise<{ id: string; state: string }[]> {
  const answer = await engineDirect<{ id: string; state: string }[]>(
    'GET',
    `/history/process-instance?processInstanceBusinessKey=${encodeURIComponent(businessKey)}`,
  );
  if (answer.status !== 200) throw new Error(`engine answered ${answer.status}: ${answer.text}`);
  return answer.json;
}

export interface EngineTask {
  id: string;
  name: string;
  assignee: string | null;
  taskDefinitionKey: string;
  processInstanceId: string;
}

/** The open tasks of one instance, straight from the engine. */
export async function tasksOfInstance(processInstanceId: string): Promise<EngineTask[]> {
  const answer = await engineDirect<EngineTask[]>('GET', `/task?processInstanceId=${encodeURIComponent(processInstanceId)}`);
  if (answer.status !== 200) throw new Error(`engine answered ${answer.status}: ${answer.text}`);
  return answer.json;
}

/** Asserts the proxy's error envelope: exactly {error, detail, timestamp, requestId}. */
export function expectEnvelope(res: TestResponse, status: number, error: string): { error: string; detail: string; timestamp: string; requestId: string } {
  const context = `${res.status} ${res.text}`;
  expect({ status: res.status, context }).toEqual({ status, context });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.body as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['detail', 'error', 'requestId', 'timestamp']);
  expect(body.error).toBe(error);
  expect(typeof body.detail).toBe('string');
  expect((body.detail as string).length).toBeGreaterThan(0);
  expect(new Date(body.timestamp as string).toISOString()).toBe(body.timestamp);
  expect(body.requestId).toBe(res.headers['x-request-id']);
  return body as { error: string; detail: string; timestamp: string; requestId: string };
}
