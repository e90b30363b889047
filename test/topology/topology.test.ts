/**
 * The production topology on one machine (`npm run test:topology`, not part of `npm test`):
 *
 *   load ─▶ nginx "proxies" (round-robin) ─▶ proxy A, proxy B (node dist/server.js)
 *                                                   │
 *           nginx "engines" (round-robin) ◀─────────┘  (the proxies' ENGINE_URL)
 *                 ├─▶ engine node 1 ─┐
 *                 └─▶ engine node 2 ─┴─▶ one PostgreSQL (job executor on both nodes)
 *
 * Everything listens on 127.0.0.1 and is started and stopped here. Every load is bounded in
 * connections, time and count. Run with node's own test runner: the figures are printed.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { basicAuth, freePort, REPO_ROOT, startEngine, type RunningEngine } from '../../scripts/engine.js';
import { createSigningKey, mintSessionToken, testUsers, type SessionUser, type SigningKey } from '../support/clerkTokens.js';
import { FRONTEND_ORIGIN, serverProcessEnv } from '../support/proxyEnv.js';
import { startNginx, type AccessLogLine, type RunningNginx } from '../support/nginx.js';
import { startPostgres, type RunningPostgres } from '../support/postgres.js';
import { isFailure, steadyLoad, summarise, type Sample } from '../support/steadyLoad.js';

/** The proxies' ENGINE_TIMEOUT, seconds: no answer may take longer than this. */
const ENGINE_TIMEOUT_S = 10;
/** What the README promises for an engine node killed under load. */
const ENGINE_KILL_FAILURE_WINDOW_MS = 2_000;
const LOAD_CONNECTIONS = 8;

const say = (message: string) => console.log(`[topology] ${message}`);

interface Proxy {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let pg: RunningPostgres;
const engines: RunningEngine[] = [];
let nginx: RunningNginx;
const proxies: Proxy[] = [];
let key: SigningKey;
let workDir: string;
let routesFile: string;
let engineLbUrl: string;

function startProxy(name: string, port: number): Promise<Proxy> {
  const child = spawn(process.execPath, ['--max-semi-space-size=8', 'dist/server.js'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    // The steady load is a handful of users making hundreds of calls a second: baseEnv's limits are
    // far above it, so fair use (see rateLimits.test.ts) never answers 429 here.
    env: serverProcessEnv(key, `${engineLbUrl}/engine-rest`, {
      PORT: String(port),
      ENGINE_TIMEOUT: String(ENGINE_TIMEOUT_S),
      ROUTES_CONFIG: routesFile,
      CORS_ORIGINS: FRONTEND_ORIGIN,
    }),
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  process.on('exit', () => child.kill('SIGKILL'));
  const proxy = { name, port, url: `http://127.0.0.1:${port}`, child, exited };
  return (async () => {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      if (child.exitCode !== null) throw new Error(`proxy ${name} exited during start-up (${child.exitCode})`);
      const ready = await fetch(`${proxy.url}/ready`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) return proxy;
      await sleep(100);
    }
    throw new Error(`proxy ${name} was not ready on ${proxy.url}`);
  })();
}

const tokenFor = (user: SessionUser) => mintSessionToken(key, user, { expiresInSeconds: 600 });

async function call(method: 'GET' | 'POST', path: string, user: SessionUser, requestId: string, body?: unknown) {
  const res = await fetch(`${nginx.urls.proxies}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokenFor(user)}`,
      'x-request-id': requestId,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Engine-side check, straight to a live engine node with the engine's own account. */
async function engineGet<T>(engine: RunningEngine, path: string): Promise<T> {
  const res = await fetch(`${engine.url}${path}`, { headers: { authorization: basicAuth(engine.user, engine.password), accept: 'application/json' } });
  assert.equal(res.status, 200, `engine GET ${path}`);
  return (await res.json()) as T;
}

const nodeName = (upstream: string) =>
  upstream
    .split(', ')
    .map((address) => {
      const port = Number(address.split(':').at(-1));
      const proxy = proxies.find((p) => p.port === port);
      if (proxy) return proxy.name;
      const engine = engines.findIndex((e) => e.port === port);
      return engine >= 0 ? `engine-${engine + 1}` : address;
    })
    .join('→');

function loadMix(phase: string, user: SessionUser) {
  const token = tokenFor(user);
  return (n: number) =>
    n % 3 === 2
      ? {
          method: 'POST' as const,
          path: '/api/processes/order/start',
          kind: 'start',
          tag: `topology-${phase}-${n}`,
          headers: { authorization: `Bearer ${token}` },
          body: { variables: { customerName: `load ${n}`, amount: n }, businessKey: `topology-${phase}-${n}` },
        }
      : { method: 'GET' as const, path: '/api/processes', kind: 'list', headers: { authorization: `Bearer ${token}` } };
}

function describeFailures(samples: Sample[], eventAt: number): string {
  return samples
    .filter(isFailure)
    .map((s) => `${s.kind} at ${((s.start - eventAt) / 1000).toFixed(2)}s → ${s.status || s.error} ${(s.body ?? '').slice(0, 120)}`)
    .join('\n  ');
}

function printFigures(title: string, samples: Sample[], eventAt: number) {
  const summary = summarise(samples, eventAt);
  const served = samples.filter((s) => s.start >= eventAt);
  say(
    `${title}: ${summary.requests} requests (${served.length} after the signal), ${summary.failures} failed; ` +
      `by status ${JSON.stringify(summary.byStatus)}; p99 ${summary.p99LatencyMs.toFixed(0)} ms, max ${summary.maxLatencyMs.toFixed(0)} ms` +
      (summary.failures ? `; failures end ${summary.failureWindowMs.toFixed(0)} ms after the signal:\n  ${describeFailures(samples, eventAt)}` : ''),
  );
  return summary;
}

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'topology-'));
  key = createSigningKey();
  // The shipped route map plus the README's read-only history route for administrators.
  const routeMap = JSON.parse(readFileSync(join(REPO_ROOT, 'routes.config.json'), 'utf8')) as { $schema?: string; routes: unknown[] };
  delete routeMap.$schema;
  routeMap.routes.push({ id: 'history.instances', method: 'GET', path: '/api/history/instances', engine: '/history/process-instance', allow: { roles: ['org:admin'] } });
  routesFile = join(workDir, 'routes.config.json');
  writeFileSync(routesFile, JSON.stringify(routeMap));

  let t0 = performance.now();
  pg = await startPostgres();
  say(`PostgreSQL 15 on ${pg.jdbcUrl} (${(performance.now() - t0).toFixed(0)} ms)`);
  process.env.ENGINE_DB_URL = pg.jdbcUrl;
  process.env.ENGINE_DB_USER = pg.user;
  // One after the other: the first node creates the schema and deploys the fixtures.
  for (const n of [1, 2]) {
    t0 = performance.now();
    engines.push(await startEngine({ appArgs: ['--spring.profiles.active=postgres'], timeoutMs: 240_000 }));
    say(`engine node ${n} on ${engines.at(-1)!.url} (${(performance.now() - t0).toFixed(0)} ms)`);
  }
  const proxyPorts = [await freePort(), await freePort()];
  nginx = await startNginx([
    {
      name: 'proxies',
      servers: proxyPorts.map((p) => `127.0.0.1:${p}`),
      // Retry on the other proxy only when the request never reached one (refused, reset before
      // an answer) or timed out connecting; never on an answer, and POSTs are never sent twice.
      locationDirectives: ['proxy_next_upstream error timeout;', 'proxy_next_upstream_tries 2;', 'proxy_connect_timeout 2s;', 'proxy_read_timeout 75s;'],
    },
    {
      name: 'engines',
      servers: engines.map((e) => `127.0.0.1:${e.port}`),
      locationDirectives: ['proxy_next_upstream error timeout;', 'proxy_next_upstream_tries 2;', 'proxy_connect_timeout 2s;', 'proxy_read_timeout 70s;'],
    },
  ]);
  engineLbUrl = nginx.urls.engines!;
  proxies.push(await startProxy('proxy-A', proxyPorts[0]!), await startProxy('proxy-B', proxyPorts[1]!));
  say(`nginx: proxies on ${nginx.urls.proxies}, engines on ${engineLbUrl}; proxies on ports ${proxyPorts.join(', ')}`);
});

after(async () => {
  for (const p of proxies) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await Promise.all(proxies.map((p) => Promise.race([p.exited, sleep(12_000)])));
  await nginx?.stop();
  for (const e of engines) await e.stop();
  pg?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('production topology: 2 proxies behind nginx, 2 engine nodes on one PostgreSQL', { timeout: 10 * 60_000 }, () => {
  it('a full journey passes while its requests land on different proxies and different engine nodes', async () => {
    const alice = testUsers.alice;
    const steps: { name: string; requestId: string }[] = [];
    const step = async (name: string, method: 'GET' | 'POST', path: string, user: SessionUser, body?: unknown) => {
      const requestId = `journey-${steps.length + 1}-${Date.now()}`;
      steps.push({ name, requestId });
      return call(method, path, user, requestId, body);
    };

    const started = await step('start', 'POST', '/api/processes/order/start', alice, { variables: { customerName: 'ACME', amount: 1200 }, businessKey: `journey-${Date.now()}` });
    assert.equal(started.status, 201);
    const instanceId = (started.body as { id: string }).id;

    const mine = await step('list my tasks', 'GET', `/api/tasks?processInstanceId=${instanceId}`, alice);
    assert.equal(mine.status, 200);
    const [review] = mine.body as { id: string; name: string; assignee: string }[];
    assert.equal(review?.name, 'Review order');
    assert.equal(review.assignee, alice.id);

    assert.equal((await step('complete review', 'POST', `/api/tasks/${review.id}/complete`, alice, { variables: { approved: true } })).status, 200);

    const managers = await step('manager lists tasks', 'GET', `/api/tasks?processInstanceId=${instanceId}`, testUsers.manager);
    const [approval] = managers.body as { id: string; name: string; assignee: string | null }[];
    assert.equal(approval?.name, 'Manager approval');
    assert.equal(approval.assignee, null);

    assert.equal((await step('manager claims', 'POST', `/api/tasks/${approval.id}/claim`, testUsers.manager)).status, 200);
    assert.equal((await step('manager approves', 'POST', `/api/tasks/${approval.id}/complete`, testUsers.manager, { variables: { managerApproved: true } })).status, 200);

    const history = await step('history', 'GET', `/api/history/instances?processInstanceId=${instanceId}`, testUsers.admin);
    assert.equal(history.status, 200);
    assert.deepEqual(
      (history.body as { id: string; state: string; startUserId: string | null }[]).map((h) => [h.id, h.state]),
      [[instanceId, 'COMPLETED']],
    );

    // nginx writes its access-log line after the answer has left: wait until every step has one.
    let front = nginx.accessLog('proxies');
    for (let waited = 0; waited < 3_000 && !steps.every(({ requestId }) => front.some((l) => l.requestId === requestId)); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      front = nginx.accessLog('proxies');
    }
    const back = nginx.accessLog('engines');
    const rows = steps.map(({ name, requestId }) => {
      const proxy = front.find((l) => l.requestId === requestId);
      const engineCalls = back.filter((l) => l.requestId === requestId);
      return { name, proxy: nodeName(proxy?.upstream ?? '?'), engines: engineCalls.map((l: AccessLogLine) => nodeName(l.upstream)) };
    });
    for (const r of rows) say(`journey: ${r.name.padEnd(20)} via ${r.proxy} → ${r.engines.join(', ')}`);

    const proxiesUsed = new Set(rows.map((r) => r.proxy));
    const enginesUsed = new Set(rows.flatMap((r) => r.engines));
    assert.deepEqual([...proxiesUsed].sort(), ['proxy-A', 'proxy-B']);
    assert.deepEqual([...enginesUsed].sort(), ['engine-1', 'engine-2']);
    const switches = rows.slice(1).filter((r, i) => r.proxy !== rows[i]!.proxy).length;
    assert.ok(switches >= steps.length / 2 - 1, `consecutive requests alternate between proxies (${switches} switches)`);
  });

  it('a token accepted by one proxy is accepted by the other (the verified-token cache is per process)', async () => {
    const token = tokenFor(testUsers.bob);
    const expired = mintSessionToken(key, testUsers.bob, { expiresInSeconds: -30 });
    for (const round of [1, 2]) {
      for (const proxy of proxies) {
        const res = await fetch(`${proxy.url}/api/user`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(res.status, 200, `${proxy.name}, round ${round}`);
        assert.equal(((await res.json()) as { id: string }).id, testUsers.bob.id);
        const refused = await fetch(`${proxy.url}/api/user`, { headers: { authorization: `Bearer ${expired}` } });
        assert.equal(refused.status, 401, `${proxy.name} refuses the expired token, round ${round}`);
        await refused.arrayBuffer();
      }
    }
  });

  it('SIGTERM on one proxy during a steady load: it drains and exits 0, nginx sends the load to the other, nothing fails', async () => {
    const victim = proxies[1]!;
    let signalAt = Infinity;
    let exitedAt = Infinity;
    const settled = (async () => {
      await sleep(2_000);
      signalAt = performance.now();
      victim.child.kill('SIGTERM');
      const exit = await victim.exited;
      exitedAt = performance.now();
      await sleep(2_000);
      return exit;
    })();
    const samples = await steadyLoad({
      baseUrl: nginx.urls.proxies!,
      connections: LOAD_CONNECTIONS,
      durationMs: 25_000,
      maxRequests: 20_000,
      timeoutMs: 15_000,
      next: loadMix('sigterm', testUsers.alice),
      until: settled,
    });
    const exit = await settled;
    say(`proxy SIGTERM: ${victim.name} exited ${exit.code ?? exit.signal} after draining ${(exitedAt - signalAt).toFixed(0)} ms`);
    const summary = printFigures('proxy SIGTERM load', samples, signalAt);

    // nginx sent nothing to the stopped proxy after it exited (its log line time is when the answer ended).
    const epochOffset = Date.now() - performance.now();
    const front = nginx.accessLog('proxies');
    const answeredAt = (l: AccessLogLine) => l.t * 1000 - epochOffset;
    const duringDrain = front.filter((l) => answeredAt(l) > signalAt && answeredAt(l) <= exitedAt && nodeName(l.upstream).endsWith(victim.name));
    const retried = front.filter((l) => answeredAt(l) > signalAt && l.upstream.includes(', '));
    say(`proxy SIGTERM: ${victim.name} answered ${duringDrain.length} requests while draining; nginx retried ${retried.length} on the other proxy`);
    const late = front.filter((l) => answeredAt(l) > exitedAt + 50 && nodeName(l.upstream).endsWith(victim.name));
    assert.equal(exit.code, 0, 'the proxy exits 0 after draining');
    assert.deepEqual(late, [], 'no request answered by the stopped proxy after it exited');
    assert.ok(samples.some((s) => s.start > exitedAt && s.status < 300), 'the load goes on through the other proxy');
    assert.equal(summary.failures, 0, `failed requests during the proxy SIGTERM:\n  ${describeFailures(samples, signalAt)}`);
  });

  it('SIGKILL on one engine node during a steady load: failures stay brief and bounded, the proxies recover by themselves, no instance is lost or doubled', async () => {
    // Bring the stopped proxy back first: the engine test runs with both proxies.
    if (proxies[1]!.child.exitCode !== null || proxies[1]!.child.signalCode !== null) {
      proxies[1] = await startProxy('proxy-B', proxies[1]!.port);
    }
    const pidsBefore = proxies.map((p) => p.child.pid);
    const victim = engines[1]!;
    let killedAt = Infinity;
    const killed = (async () => {
      await sleep(3_000);
      killedAt = performance.now();
      process.kill(victim.pid, 'SIGKILL');
      await victim.exited;
      await sleep(6_000);
    })();
    const samples = await steadyLoad({
      baseUrl: nginx.urls.proxies!,
      connections: LOAD_CONNECTIONS,
      durationMs: 30_000,
      maxRequests: 20_000,
      timeoutMs: 15_000,
      next: loadMix('sigkill', testUsers.alice),
      until: killed,
    });
    await killed;
    const summary = printFigures('engine SIGKILL load', samples, killedAt);
    say(`engine SIGKILL: requests failed until ${summary.failureWindowMs.toFixed(0)} ms after the kill (recovery time); README bound ${ENGINE_KILL_FAILURE_WINDOW_MS} ms`);

    // Bounded, never hanging: every failure is an answer (502/504 envelope), none a client time-out.
    for (const s of samples.filter(isFailure)) {
      assert.ok(s.status === 502 || s.status === 504, `a failure is an engine error answer, not ${s.status || s.error}`);
    }
    assert.ok(summary.maxLatencyMs < ENGINE_TIMEOUT_S * 1000 + 1_000, `no answer took longer than ENGINE_TIMEOUT (max ${summary.maxLatencyMs.toFixed(0)} ms)`);
    assert.ok(summary.failureWindowMs <= ENGINE_KILL_FAILURE_WINDOW_MS, `failures end within ${ENGINE_KILL_FAILURE_WINDOW_MS} ms of the kill`);
    assert.ok(samples.filter((s) => s.start > killedAt + ENGINE_KILL_FAILURE_WINDOW_MS).every((s) => s.status < 300), 'everything after the window succeeds');
    assert.deepEqual(proxies.map((p) => p.child.pid), pidsBefore, 'the proxies were not restarted');
    for (const p of proxies) assert.equal((await fetch(`${p.url}/ready`)).status, 200, `${p.name} is ready`);

    // On the surviving engine: every acknowledged start exists exactly once, nothing is doubled.
    const survivor = engines[0]!;
    const history = await engineGet<{ id: string; businessKey: string }[]>(survivor, '/history/process-instance?processInstanceBusinessKeyLike=topology-sigkill-%25&maxResults=100000');
    const perKey = new Map<string, string[]>();
    for (const h of history) perKey.set(h.businessKey, [...(perKey.get(h.businessKey) ?? []), h.id]);
    const starts = samples.filter((s) => s.kind === 'start');
    const acknowledged = starts.filter((s) => s.status === 201).map((s) => s.tag!);
    const unacknowledged = starts.filter((s) => s.status !== 201).map((s) => s.tag!);
    const doubled = [...perKey].filter(([, ids]) => ids.length > 1);
    const lost = acknowledged.filter((k) => !perKey.has(k));
    const committedAnyway = unacknowledged.filter((k) => perKey.has(k));
    say(
      `engine check: ${acknowledged.length} acknowledged starts, ${history.length} instances on the engine, ` +
        `${lost.length} lost, ${doubled.length} doubled; of ${unacknowledged.length} failed starts, ${committedAnyway.length} committed anyway (answer lost with the node)`,
    );
    assert.deepEqual(lost, [], 'no acknowledged process instance is lost');
    assert.deepEqual(doubled, [], 'no process instance is duplicated');
    assert.equal(history.length, acknowledged.length + committedAnyway.length);
  });
});
