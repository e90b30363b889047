import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { freePort } from '../../scripts/engine.js';
import { createLogger } from '../../src/http/log.js';
import { KEY_PREFIX } from '../../src/fairUse/sharedBuckets.js';
import { mintMachineToken, mintSessionToken, testUsers, type SessionUser } from '../support/clerkTokens.js';
import { startEngineStandIn, type EngineStandIn } from '../support/engineStandIn.js';
import { spawnProcess, waitFor, type RunningProcess } from '../support/processes.js';
import { serverProcessEnv } from '../support/proxyEnv.js';
import { startProxyHarness, testSigningKey, type ProxyHarness } from '../support/proxyHarness.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { steadyLoad, type Sample } from '../support/steadyLoad.js';

/**
 * Fair use with RATE_LIMIT_STORE: proxy replicas draw from one bucket per caller in a real Redis
 * (Debian's redis-server on a free loopback port), and keep answering, or refuse, while it is gone.
 */

const key = testSigningKey();
/** A user of its own for each check, so no check inherits another's bucket. */
const userNamed = (name: string): SessionUser => ({ ...testUsers.alice, id: `user_2${name}TESTtestTESTtest`, email: `${name}@example.test`, name });
const bearer = (user: SessionUser) => `Bearer ${mintSessionToken(key, user)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: RedisServer;
let engine: EngineStandIn;
beforeAll(async () => {
  [redis, engine] = await Promise.all([startRedisServer(), startEngineStandIn()]);
});
afterAll(async () => {
  await Promise.all([redis.stop(), engine.stop()]);
});

/** POST /api/processes/order/start on a replica: the status, Retry-After and error code. */
async function start(baseUrl: string, user: SessionUser): Promise<{ status: number; retryAfter: string | null; error?: string }> {
  const res = await fetch(`${baseUrl}/api/processes/order/start`, {
    method: 'POST',
    headers: { authorization: bearer(user), 'content-type': 'application/json' },
    body: JSON.stringify({ variables: {} }),
  });
  const body = (await res.json()) as { error?: string };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ...(body.error && { error: body.error }) };
}
const engineStarts = () => engine.requests.filter((r) => r.url.endsWith('/start')).length;

describe('two proxy processes with one RATE_LIMIT_STORE', () => {
  let replicas: { process: RunningProcess; url: string }[];
  beforeAll(async () => {
    await redis.command('FLUSHALL');
    // The production entry point, run from source (tsx) so this file does not race server.test.ts's build of dist/.
    replicas = await Promise.all(
      [1, 2].map(async () => {
        const port = await freePort();
        const env = serverProcessEnv(key, engine.url, { PORT: String(port), RATE_LIMIT_STORE: redis.url, RATE_LIMIT_WRITES: '3/minute' });
        return { process: spawnProcess(process.execPath, ['--import', 'tsx', 'src/server.ts'], env), url: `http://127.0.0.1:${port}` };
      }),
    );
    for (const replica of replicas) {
      const connected = async () => ((await (await fetch(`${replica.url}/metrics`)).text()).includes('proxy_rate_limit_store_up 1') ? true : undefined);
      await waitFor(connected, 30_000, `replica ${replica.url} serving, with its store`).catch((error: Error) => {
        throw new Error(`${error.message}\n${replica.process.output()}`);
      });
    }
  }, 60_000);
  afterAll(async () => {
    for (const replica of replicas) replica.process.child.kill('SIGKILL');
    await Promise.all(replicas.map((replica) => replica.process.exited));
  });
  beforeEach(() => engine.reset());

  it("share one user's bucket: once the first replica used it up, the second answers 429 and the engine never sees the call", async () => {
    const [first, second] = replicas.map((replica) => replica.url) as [string, string];
    const alice = userNamed('alice');
    expect(await start(first, alice)).toEqual({ status: 201, retryAfter: null });
    expect(await start(first, alice)).toEqual({ status: 201, retryAfter: null });
    expect(await start(second, alice)).toEqual({ status: 201, retryAfter: null });
    // 3 a minute, shared: the fourth start is refused wherever it lands, with the in-process bucket's Retry-After.
    expect(await start(second, alice)).toEqual({ status: 429, retryAfter: '20', error: 'rate_limited' });
    expect(await start(first, alice)).toEqual({ status: 429, retryAfter: '20', error: 'rate_limited' });
    expect(engineStarts()).toBe(3);
    // Another user's bucket is their own.
    expect(await start(second, userNamed('bob'))).toEqual({ status: 201, retryAfter: null });
    expect(engineStarts()).toBe(4);
    for (const replica of replicas) expect(replica.process.output()).not.toContain('rate-limit store');
  });

  it('keeps each bucket as one key that expires when the bucket is full again', async () => {
    const carol = userNamed('carol');
    expect((await start(replicas[0]!.url, carol)).status).toBe(201);
    // One of three calls used: the bucket is full again in 20 s, and so long the key lives.
    const ttl = Number(await redis.command('PTTL', `${KEY_PREFIX}writes:${carol.id}`));
    expect(ttl).toBeGreaterThan(18_000);
    expect(ttl).toBeLessThanOrEqual(20_000);
  });
});

/** Two replicas in this process, listening on loopback, sharing the engine stand-in and the store. */
interface Replica {
  harness: ProxyHarness;
  url: string;
  logs: string[];
  metrics(): Promise<string>;
  close(): Promise<void>;
}

async function startReplica(env: NodeJS.ProcessEnv): Promise<Replica> {
  const logs: string[] = [];
  const log = createLogger('info', { write: (line: string) => logs.push(line) });
  const harness = await startProxyHarness({ RATE_LIMIT_STORE: redis.url, RATE_LIMIT_STORE_TIMEOUT: '0.2', ...env }, { engine, deps: { log } });
  const server: Server = await new Promise((resolve) => {
    const listening = harness.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    harness,
    url,
    logs,
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await harness.close();
    },
  };
}

const metricValue = (text: string, name: string): number => Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
const linesWith = (replica: Replica, text: string) => replica.logs.filter((line) => line.includes(text));

/** Reads as `user` on both replicas, 4 at a time, until `whileLoading` is done; every answer with its timing. */
async function readsDuring(replicas: Replica[], user: SessionUser, whileLoading: () => Promise<void>): Promise<Sample[]> {
  const authorization = bearer(user);
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const loads = replicas.map((replica) =>
    steadyLoad({
      baseUrl: replica.url,
      connections: 2,
      durationMs: 20_000,
      maxRequests: 5_000,
      timeoutMs: 5_000,
      next: () => ({ method: 'GET', path: '/api/processes', headers: { authorization }, kind: 'list' }),
      until: finished,
    }),
  );
  try {
    await whileLoading();
  } finally {
    done();
  }
  return (await Promise.all(loads)).flat();
}

/** A store that answers again: both replicas count it up, and the shared buckets decide again. */
async function storeBack(replicas: Replica[]): Promise<void> {
  await redis.start();
  for (const replica of replicas) await waitFor(async () => (metricValue(await replica.metrics(), 'proxy_rate_limit_store_up') === 1 ? true : undefined), 10_000, 'the store to be up again');
}

describe('RATE_LIMIT_STORE_FAILURE=open (the default): the store goes away mid-load', () => {
  let replicas: Replica[];
  beforeAll(async () => {
    await redis.command('FLUSHALL');
    replicas = await Promise.all([startReplica({ RATE_LIMIT_WRITES: '2/minute' }), startReplica({ RATE_LIMIT_WRITES: '2/minute' })]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    if (!(await redis.command('PING').catch(() => undefined))) await redis.start();
  });
  beforeEach(() => engine.reset());

  it('answers every request on, within the store timeout, logs the outage once, and the shared limits come back with the store', async () => {
    const [a, b] = replicas as [Replica, Replica];
    // Shared while the store is there.
    const carol = userNamed('carol');
    expect((await start(a.url, carol)).status).toBe(201);
    expect((await start(b.url, carol)).status).toBe(201);
    expect(await start(a.url, carol)).toEqual({ status: 429, retryAfter: '30', error: 'rate_limited' });

    let killedAt = 0;
    const samples = await readsDuring(replicas, userNamed('dave'), async () => {
      await sleep(600);
      killedAt = performance.now();
      await redis.kill();
      await sleep(1_000);
    });
    expect(samples.filter((sample) => sample.end < killedAt).length).toBeGreaterThan(4);
    expect(samples.filter((sample) => sample.start > killedAt).length).toBeGreaterThan(20);
    expect(samples.filter((sample) => sample.status !== 200)).toEqual([]);
    // Nothing waits for a store that is gone: no answer took longer than the store timeout (0.2 s) and some slack.
    expect(Math.max(...samples.map((sample) => sample.end - sample.start))).toBeLessThan(1_000);

    // Meanwhile each replica's own buckets still limit: 2 a minute per replica.
    const erin = userNamed('erin');
    expect((await start(a.url, erin)).status).toBe(201);
    expect((await start(a.url, erin)).status).toBe(201);
    expect(await start(a.url, erin)).toEqual({ status: 429, retryAfter: '30', error: 'rate_limited' });
    expect((await start(b.url, erin)).status).toBe(201);

    for (const replica of replicas) {
      expect(linesWith(replica, 'rate-limit store unreachable')).toHaveLength(1);
      expect(JSON.parse(linesWith(replica, 'rate-limit store unreachable')[0]!)).toMatchObject({ level: 'warn', store: redis.url });
      const metrics = await replica.metrics();
      expect(metricValue(metrics, 'proxy_rate_limit_store_up')).toBe(0);
      expect(metricValue(metrics, 'proxy_rate_limit_store_outages_total')).toBe(1);
      expect(metricValue(metrics, 'proxy_rate_limit_store_unavailable_total{outcome="in-process"}')).toBeGreaterThan(0);
    }

    // Back without a restart: shared again.
    await storeBack(replicas);
    const frank = userNamed('frank');
    expect((await start(a.url, frank)).status).toBe(201);
    expect((await start(b.url, frank)).status).toBe(201);
    expect(await start(b.url, frank)).toEqual({ status: 429, retryAfter: '30', error: 'rate_limited' });
    for (const replica of replicas) {
      expect(linesWith(replica, 'rate-limit store unreachable')).toHaveLength(1);
      expect(linesWith(replica, 'rate-limit store answers again')).toHaveLength(1);
      expect(metricValue(await replica.metrics(), 'proxy_rate_limit_store_outages_total')).toBe(1);
    }
  });

  it('does not hang on a store that stops answering without closing its connection (SIGSTOP)', async () => {
    const [a] = replicas as [Replica];
    await waitFor(async () => (metricValue(await a.metrics(), 'proxy_rate_limit_store_up') === 1 ? true : undefined), 10_000, 'the store to be up');
    redis.pause();
    try {
      const timings: number[] = [];
      const grace = userNamed('grace');
      for (let i = 0; i < 10; i += 1) {
        const began = performance.now();
        expect((await fetch(`${a.url}/api/processes`, { headers: { authorization: bearer(grace) } })).status).toBe(200);
        timings.push(performance.now() - began);
      }
      // The first call waits out the store timeout (0.2 s); the connection is then dropped, and the rest decide at once.
      expect(timings[0]).toBeGreaterThanOrEqual(150);
      expect(Math.max(...timings)).toBeLessThan(1_000);
      expect(timings.slice(1).filter((ms) => ms > 150)).toEqual([]);
    } finally {
      redis.resume();
    }
    await waitFor(async () => (metricValue(await a.metrics(), 'proxy_rate_limit_store_up') === 1 ? true : undefined), 10_000, 'the store to be up again');
  });

  it('starts and serves while the store is down, and uses it once it is there', async () => {
    await redis.kill();
    const late = await startReplica({ RATE_LIMIT_WRITES: '2/minute' });
    try {
      const heidi = userNamed('heidi');
      expect((await start(late.url, heidi)).status).toBe(201);
      expect(linesWith(late, 'rate-limit store unreachable')).toHaveLength(1);
      await storeBack([late]);
      expect((await start(late.url, heidi)).status).toBe(201);
      expect(await redis.command('EXISTS', `${KEY_PREFIX}writes:${heidi.id}`)).toBe(1);
    } finally {
      await late.close();
    }
  });
});

describe('RATE_LIMIT_STORE_FAILURE=closed: the store goes away mid-load', () => {
  let replicas: Replica[];
  beforeAll(async () => {
    if (!(await redis.command('PING').catch(() => undefined))) await redis.start();
    await redis.command('FLUSHALL');
    const env = { RATE_LIMIT_WRITES: '2/minute', RATE_LIMIT_STORE_FAILURE: 'closed' };
    replicas = await Promise.all([startReplica(env), startReplica(env)]);
  });
  afterAll(() => Promise.all(replicas.map((replica) => replica.close())));
  beforeEach(() => engine.reset());

  it('refuses rate-limited calls with 503 rate_limit_unavailable before the engine, and serves again with the store', async () => {
    const [a, b] = replicas as [Replica, Replica];
    let killedAt = 0;
    let settledAt = 0;
    const samples = await readsDuring(replicas, userNamed('ivan'), async () => {
      await sleep(600);
      killedAt = performance.now();
      await redis.kill();
      await sleep(300);
      settledAt = performance.now();
      await sleep(700);
    });
    expect(samples.filter((sample) => sample.end < killedAt).length).toBeGreaterThan(4);
    expect(samples.filter((sample) => sample.end < killedAt && sample.status !== 200)).toEqual([]);
    const down = samples.filter((sample) => sample.start > settledAt);
    expect(down.length).toBeGreaterThan(10);
    expect(down.filter((sample) => sample.status !== 503)).toEqual([]);
    expect(samples.filter((sample) => sample.status !== 200 && sample.status !== 503)).toEqual([]);
    expect(Math.max(...samples.map((sample) => sample.end - sample.start))).toBeLessThan(1_000);

    // The answer, and the engine never called for it: on /api and on the /engine-rest passthrough.
    engine.reset();
    const refused = await fetch(`${a.url}/api/processes/order/start`, {
      method: 'POST',
      headers: { authorization: bearer(userNamed('judy')), 'content-type': 'application/json' },
      body: JSON.stringify({ variables: {} }),
    });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      error: 'rate_limit_unavailable',
      detail: 'the shared rate-limit store does not answer; try again shortly',
      timestamp: expect.any(String),
      requestId: refused.headers.get('x-request-id'),
    });
    const worker = mintMachineToken(key, { machineId: 'mch_2invoiceWorker', scopes: ['camunda:worker'] });
    const fetchAndLock = await fetch(`${b.url}/engine-rest/external-task/fetchAndLock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${worker}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workerId: 'w', maxTasks: 1, topics: [] }),
    });
    expect(fetchAndLock.status).toBe(503);
    expect(await fetchAndLock.json()).toMatchObject({ error: 'rate_limit_unavailable', type: 'RestException' });
    expect(engine.requests).toEqual([]);

    for (const replica of replicas) {
      expect(linesWith(replica, 'rate-limit store unreachable')).toHaveLength(1);
      expect(linesWith(replica, 'rate-limit store unreachable')[0]).toContain('refused with 503');
      expect(metricValue(await replica.metrics(), 'proxy_rate_limit_store_unavailable_total{outcome="refused"}')).toBeGreaterThan(0);
    }

    await storeBack(replicas);
    const kim = userNamed('kim');
    expect((await start(a.url, kim)).status).toBe(201);
    expect((await start(b.url, kim)).status).toBe(201);
    expect(await start(a.url, kim)).toEqual({ status: 429, retryAfter: '30', error: 'rate_limited' });
    for (const replica of replicas) expect(linesWith(replica, 'rate-limit store answers again')).toHaveLength(1);
  });
});
