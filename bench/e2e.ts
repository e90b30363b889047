/**
 * npm run bench:e2e [-- options]   the same user actions straight to the real Camunda engine and
 *                                  through the proxy, interleaved; what the proxy adds, per route class
 *
 * Starts the real test engine the way the contract tests do (scripts/engine.ts: built with Maven if
 * stale, its BPMN fixtures deployed by the engine itself on start-up), or uses ENGINE_TEST_URL /
 * --engine-url when one is already running. Starts the proxy as a child process from the production
 * bundle (bench/proxyProcess.ts, as in `npm run bench`), with real Clerk verification: a throwaway
 * key in CLERK_JWT_KEY and a session token minted by test/support/clerkTokens.ts.
 *
 * Then, per route class, N iterations of one direct call (BasicAuth) and one proxied call (session
 * token), alternating which goes first, sequential on one keep-alive connection each. See bench/README.md.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { basicAuth, ENGINE_PASSWORD, ENGINE_PROCESS_KEYS, ENGINE_USER } from '../scripts/engine.js';
import { createSigningKey, mintSessionToken, testUsers } from '../test/support/clerkTokens.js';
import { engineDirect, uniqueKey } from '../test/support/contractHarness.js';
import { baseEnv } from '../test/support/proxyHarness.js';
import { buildChildren, PRODUCTION_NODE_FLAGS, spawnChild, type Child } from './lib/children.js';
import { cpuSeconds } from './lib/procStats.js';
import { benchDatabase, startBenchEngine, type BenchEngine } from './lib/benchEngine.js';
import { timedClient as client, type Answer, type TimedClient as Client } from './lib/timedClient.js';
import { startEngineRelay, type EngineCall, type EngineRelay } from './lib/engineRelay.js';


const CLASSES = ['list', 'read', 'form', 'start', 'complete'] as const;
type RouteClass = (typeof CLASSES)[number];

const { values: flags } = parseArgs({
  options: {
    iterations: { type: 'string' },
    warmup: { type: 'string' },
    classes: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'engine-url': { type: 'string' },
    'page-size': { type: 'string' },
    json: { type: 'string' },
    'proxy-env': { type: 'string', multiple: true },
    database: { type: 'string', default: 'h2' },
    'instance-org': { type: 'string', default: 'stamp' },
    'budget-iterations': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

if (flags.help) {
  process.stdout.write(`Usage: npm run bench:e2e [-- options]
  --iterations N      measured iterations per class, each one direct + one proxied call (BENCH_E2E_ITERATIONS, default 300; --quick: 50)
  --warmup N          discarded iterations per class first (BENCH_E2E_WARMUP, default 30; --quick: 10)
  --classes a,b       subset/order of: ${CLASSES.join(', ')} (default all)
  --page-size N       maxResults of the task list (default 20)
  --engine-url URL    use a running engine (…/engine-rest, demo/demo) instead of starting one; also ENGINE_TEST_URL
  --quick             50 iterations after 10 warm-up
  --json FILE         also write every sample as JSON
  --proxy-env K=V     extra environment for the proxy (repeatable), e.g. DEFINITION_CACHE_TTL=0
  --database h2|postgres  the engine's database: H2 in memory (default), or a throwaway PostgreSQL 15
                      cluster (test/support/postgres.ts, as the topology test) with the engine's postgres profile
  --instance-org stamp|tenant  the proxy's INSTANCE_ORG (default stamp); tenant also starts the engine with
                      ENGINE_ORGANISATION_TENANTS=true (the engine plugin's OrganisationTenants)
  --budget-iterations N  proxied actions per class through the engine-call relay afterwards (default 50; --quick: 20)
`);
  process.exit(0);
}

const num = (flag: string | undefined, env: string | undefined, fallback: number) => {
  const value = Number(flag ?? env ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`not a positive integer: ${flag ?? env}`);
  return value;
};
const proxyEnv = Object.fromEntries(
  (flags['proxy-env'] ?? []).map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--proxy-env takes NAME=value, not ${pair}`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);
// The proxy keeps the answer to "has the organisation its own definition of this key" unless told not to.
const definitionAnswerKept = proxyEnv.DEFINITION_CACHE_TTL !== '0';
const iterations = num(flags.iterations, process.env.BENCH_E2E_ITERATIONS, flags.quick ? 50 : 300);
const warmup = num(flags.warmup, process.env.BENCH_E2E_WARMUP, flags.quick ? 10 : 30);
const pageSize = num(flags['page-size'], undefined, 20);
if (flags['instance-org'] !== 'stamp' && flags['instance-org'] !== 'tenant') throw new Error(`--instance-org is stamp or tenant, not ${flags['instance-org']}`);
const instanceOrg = flags['instance-org'];
const database = benchDatabase(flags.database);
const budgetIterations = num(flags['budget-iterations'], undefined, flags.quick ? 20 : 50);
const classes = (flags.classes ?? CLASSES.join(',')).split(',').map((s) => s.trim()).filter(Boolean) as RouteClass[];
for (const c of classes) if (!CLASSES.includes(c)) throw new Error(`unknown class ${c}; known: ${CLASSES.join(', ')}`);

const log = (line: string) => process.stderr.write(`[bench:e2e] ${line}\n`);
const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

// ---------------------------------------------------------------------------------------------
// One keep-alive connection per side: bench/lib/timedClient.ts.

// ---------------------------------------------------------------------------------------------
// The user and what the proxy stamps for them, so a direct call does the same engine work.

const user = testUsers.alice;
const stamps = (prefix: 'initiator' | 'completedBy') => ({
  [prefix]: { value: user.id, type: 'String' },
  [`${prefix}Email`]: { value: user.email, type: 'String' },
  [`${prefix}Name`]: { value: user.name, type: 'String' },
});
const orgStamp = { initiatorOrgId: { value: user.orgId, type: 'String' } };
/**
 * What the proxy adds to a task query for this user (src/authz/boundary.ts taskVisibility): their
 * own or candidate tasks (groups: the org role), within their organisation. Written out here so the
 * "same engine calls" side does not depend on src/; the list check below proves it matches.
 */
const mineOrCandidate = { assignee: user.id, candidateUser: user.id, candidateGroups: [user.orgRole] };
const visibility =
  instanceOrg === 'tenant'
    ? { orQueries: [mineOrCandidate], tenantIdIn: [user.orgId] }
    : { orQueries: [mineOrCandidate, { processVariables: [{ name: 'initiatorOrgId', operator: 'eq', value: user.orgId }], tenantIdIn: [user.orgId] }] };
/** Two calls in a row timed as one user action. */
const both = async (first: Promise<Answer>, then: () => Promise<Answer>): Promise<Answer> => {
  const a = await first;
  if (a.status >= 300) return a;
  const b = await then();
  return { ...b, ms: a.ms + b.ms };
};
/** Two calls sent at once, as the proxy sends a check and the read it guards; timed as the slower. */
const together = async (first: Promise<Answer>, second: Promise<Answer>): Promise<Answer> => {
  const [a, b] = await Promise.all([first, second]);
  if (a.status >= 300) return a;
  return { ...b, ms: Math.max(a.ms, b.ms) };
};
/** A process of the test engine whose one user task is assigned to the initiator. */
const PROCESS_KEY = 'leaveRequest';

interface Step {
  /** The call; `i` is the iteration, unique within the class and side. */
  run(i: number): Promise<Answer>;
  expect: number;
  /** Called with every successful answer (collects started instances). */
  after?: (answer: Answer) => void;
}

interface ClassPlan {
  what: string;
  /** Engine calls behind one proxied call, for the output. */
  engineCalls: string;
  /** How many engine calls one proxied action may make (the engine-call budget, timed through the relay). */
  allowedCalls: number;
  /** Untimed preparation before the class runs (warm-up included). */
  prepare?: (needed: number) => Promise<void>;
  direct: Step;
  /** The engine calls the proxy makes for this action (its authorization query included), made straight to the engine. */
  same: Step;
  proxied: Step;
}

/** `hop`: the direct call through bare express + http-proxy-middleware (bench/expressHop.ts), the stack's own cost. */
const SIDES = ['direct', 'same', 'hop', 'proxied'] as const;
type Side = (typeof SIDES)[number];

type Sample = Record<Side, number>;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;

async function main(): Promise<void> {
  const runKey = uniqueKey('bench-e2e');
  const scripts = await buildChildren(['proxyProcess', 'expressHop']);
  let engine: BenchEngine | undefined;
  const external = flags['engine-url'] ?? process.env.ENGINE_TEST_URL;
  let engineUrl: string;
  if (external) {
    engineUrl = external.replace(/\/+$/, '');
    log(`using the running engine at ${engineUrl}`);
  } else {
    log('starting the test engine (scripts/engine.ts; a Maven build first if the jar is stale)…');
    engine = await startBenchEngine({ database, progress: log, organisationTenants: instanceOrg === 'tenant' });
    engineUrl = engine.engine.url;
    log(`engine up in ${fmt(engine.engine.startupMs / 1000, 1)} s at ${engineUrl} (log ${engine.engine.logFile})`);
  }
  const key = createSigningKey('ins_bench_e2e');
  const proxyAt = (name: string, url: string): Child =>
    spawnChild(name, scripts.proxyProcess, {
      env: {
        ...baseEnv(key, url),
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        INSTANCE_ORG: instanceOrg,
        ...proxyEnv,
      },
      nodeFlags: PRODUCTION_NODE_FLAGS,
      stdout: 'pipe',
    });
  const proxy = proxyAt('proxy', engineUrl);
  // The engine-call budget: a second proxy whose engine calls pass a counting relay (off the timed path above).
  const relay = await startEngineRelay(engineUrl);
  const relayedProxy = proxyAt('proxy-relayed', relay.url);
  // The stack's bare hop, for the share of the added time any express + http-proxy-middleware proxy pays.
  const expressHop = spawnChild('express-hop', scripts.expressHop, { env: { ENGINE_URL: engineUrl, ENGINE_USER, ENGINE_PASS: ENGINE_PASSWORD }, nodeFlags: PRODUCTION_NODE_FLAGS });
  // The proxy's log (warnings and errors only at warn), kept to show if something fails.
  let proxyLog = '';
  proxy.process.stdout!.on('data', (chunk: Buffer) => {
    proxyLog = (proxyLog + chunk.toString('utf8')).slice(-8_000);
  });
  try {
    const { port } = await proxy.ready;
    // One session token for the run, as a frontend resends its token during its life: verified once, then cached.
    const token = mintSessionToken(key, user, { expiresInSeconds: 3600 });
    const direct = client(engineUrl, basicAuth(ENGINE_USER, ENGINE_PASSWORD));
    const proxied = client(`http://127.0.0.1:${String(port)}`, `Bearer ${token}`);
    const relayed = client(`http://127.0.0.1:${String((await relayedProxy.ready).port)}`, `Bearer ${token}`);
    // The proxy's CPU while idle (timers, metrics), so the per-call CPU below can be read against it.
    await proxied.call('GET', '/api/processes');
    const idleFrom = cpuSeconds(proxy.pid);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const idleCpuShare = (cpuSeconds(proxy.pid) - idleFrom) / 3;
    const hop = client(`http://127.0.0.1:${String((await expressHop.ready).port)}${new URL(engineUrl).pathname}`, '');
    const result = await measure(engineUrl, direct, proxied, proxy.pid, runKey, { client: relayed, relay }, hop);
    print(result, idleCpuShare);
    if (flags.json) writeFileSync(flags.json, JSON.stringify({ iterations, warmup, pageSize, engineUrl, results: result }, null, 2));
    direct.agent.destroy();
    proxied.agent.destroy();
    relayed.agent.destroy();
    hop.agent.destroy();
  } catch (error) {
    if (proxyLog) log(`the proxy's log (tail):\n${proxyLog}`);
    throw error;
  } finally {
    await relayedProxy.stop();
    await expressHop.stop();
    await relay.close();
    await proxy.stop();
    await engine?.stop();
  }
}

interface ClassResult {
  id: RouteClass;
  what: string;
  engineCalls: string;
  samples: Sample[];
  proxyCpuUsPerRequest: number;
  /** The engine calls behind each proxied action, through the relay (budgetIterations actions). */
  budget: { allowed: number; perAction: EngineCall[][] };
}

async function measure(
  engineUrl: string,
  direct: Client,
  proxiedDirectly: Client,
  proxyPid: number,
  runKey: string,
  relayed: { client: Client; relay: EngineRelay },
  stackHop: Client,
): Promise<ClassResult[]> {
  const directly = direct;
  // The proxied side's client: the timed proxy, then the relayed one for the engine-call budget.
  let proxied = proxiedDirectly;
  const deps = await engineDirect<{ key: string }[]>('GET', '/process-definition?latestVersion=true', undefined, undefined, engineUrl);
  const keys = new Set(deps.json.map((d) => d.key));
  if (!keys.has(PROCESS_KEY)) throw new Error(`the engine has no '${PROCESS_KEY}' definition (has ${[...keys].join(', ')}; expected ${ENGINE_PROCESS_KEYS.join(', ')})`);

  /** Starts `n` instances straight on the engine, stamped as a start through the proxy would be; returns their tasks. */
  const startDirect = async (n: number, tag: string): Promise<string[]> => {
    const instances: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const answer = await direct.call('POST', `/process-definition/key/${PROCESS_KEY}/start`, {
        businessKey: `${runKey}-${tag}-${i}`,
        variables: { days: { value: 3, type: 'Integer' }, ...stamps('initiator'), ...orgStamp },
      });
      if (answer.status !== 200) throw new Error(`untimed start answered ${answer.status}: ${answer.text}`);
      instances.push((JSON.parse(answer.text) as { id: string }).id);
    }
    return tasksOf(instances);
  };
  const tasksOf = async (instances: string[]): Promise<string[]> => {
    const ids: string[] = [];
    for (let from = 0; from < instances.length; from += 100) {
      const answer = await engineDirect<{ id: string }[]>('POST', '/task', { processInstanceIdIn: instances.slice(from, from + 100) }, undefined, engineUrl);
      if (answer.status !== 200) throw new Error(`task query answered ${answer.status}: ${answer.text}`);
      ids.push(...answer.json.map((t) => t.id));
    }
    return ids;
  };

  // Tasks to complete: those of the instances the start class creates, topped up by untimed starts.
  const startedInstances: string[] = [];
  const completable: string[] = [];
  let readTask = '';
  const listQuery = `sortBy=created&sortOrder=desc&firstResult=0&maxResults=${pageSize}`;

  const plans: Record<RouteClass, ClassPlan> = {
    list: {
      what: `the user's tasks, newest first, one page of ${pageSize}`,
      engineCalls: '1 engine call (POST /task with the visibility filter)',
      allowedCalls: 1,
      async prepare() {
        const tasks = await startDirect(pageSize + 5, 'list');
        readTask = tasks[0]!;
        // Same result both ways, or the comparison is wrong.
        const answers = await Promise.all([plans.list.direct.run(0), plans.list.same.run(0), plans.list.proxied.run(0)]);
        const ids = (answer: Answer) => (JSON.parse(answer.text) as { id: string }[]).map((t) => t.id).join(',');
        if (answers.some((a) => a.status !== 200)) throw new Error(`list sanity check: ${answers.map((a) => `${a.status} ${a.text.slice(0, 200)}`).join('; ')}`);
        if (ids(answers[1]!) !== ids(answers[2]!)) throw new Error("the proxy's task query, made directly, finds other tasks than the proxy: update `visibility` in bench/e2e.ts");
        if (ids(answers[0]!) !== ids(answers[2]!)) log('warning: the direct and proxied task lists differ (tasks from elsewhere in a shared engine?)');
      },
      direct: { run: () => direct.call('GET', `/task?assignee=${encodeURIComponent(user.id)}&${listQuery}`), expect: 200 },
      same: {
        run: () => direct.call('POST', `/task?firstResult=0&maxResults=${pageSize}`, { sorting: [{ sortBy: 'created', sortOrder: 'desc' }], ...visibility }),
        expect: 200,
      },
      proxied: { run: () => proxied.call('GET', `/api/tasks?${listQuery}`), expect: 200 },
    },
    read: {
      what: 'one task by id',
      engineCalls: '1 engine call (POST /task with taskId and the visibility filter, instead of GET /task/{id})',
      allowedCalls: 1,
      async prepare() {
        if (!readTask) readTask = (await startDirect(1, 'read'))[0]!;
      },
      direct: { run: () => direct.call('GET', `/task/${readTask}`), expect: 200 },
      same: { run: () => direct.call('POST', '/task', { ...visibility, taskId: readTask }), expect: 200 },
      proxied: { run: () => proxied.call('GET', `/api/tasks/${readTask}`), expect: 200 },
    },
    form: {
      what: "one task's form variables",
      engineCalls: '2 engine calls sent at once (the access check, a filtered POST /task, and GET /task/{id}/form-variables, whose answer waits for the check)',
      allowedCalls: 2,
      async prepare() {
        if (!readTask) readTask = (await startDirect(1, 'read'))[0]!;
      },
      direct: { run: () => direct.call('GET', `/task/${readTask}/form-variables`), expect: 200 },
      same: {
        run: () => together(direct.call('POST', '/task', { ...visibility, taskId: readTask }), direct.call('GET', `/task/${readTask}/form-variables`)),
        expect: 200,
      },
      proxied: { run: () => proxied.call('GET', `/api/tasks/${readTask}/form`), expect: 200 },
    },
    start: {
      what: `start '${PROCESS_KEY}' by key with 1 variable (the proxy stamps 4 more; the direct call sends the same 5)`,
      allowedCalls: definitionAnswerKept ? 1 : 2,
      engineCalls: definitionAnswerKept
        ? "1 engine call, the start (the count of the organisation's own definitions of the key is asked once and kept: DEFINITION_CACHE_TTL)"
        : "2 engine calls (a count of the organisation's own definitions of the key, then the start; DEFINITION_CACHE_TTL=0)",
      direct: {
        run: (i) =>
          direct.call('POST', `/process-definition/key/${PROCESS_KEY}/start`, {
            businessKey: `${runKey}-d-${i}`,
            variables: { days: { value: 3, type: 'Integer' }, ...stamps('initiator'), ...orgStamp },
          }),
        expect: 200,
        after: (answer) => startedInstances.push((JSON.parse(answer.text) as { id: string }).id),
      },
      same: {
        run: (i) => {
          const startIt = () =>
            direct.call('POST', `/process-definition/key/${PROCESS_KEY}/start`, {
              businessKey: `${runKey}-s-${i}`,
              variables: { days: { value: 3, type: 'Integer' }, ...stamps('initiator'), ...orgStamp },
            });
          return definitionAnswerKept ? startIt() : both(direct.call('GET', `/process-definition/count?key=${PROCESS_KEY}&tenantIdIn=${encodeURIComponent(user.orgId)}`), startIt);
        },
        expect: 200,
        after: (answer) => startedInstances.push((JSON.parse(answer.text) as { id: string }).id),
      },
      proxied: {
        run: (i) => proxied.call('POST', `/api/processes/${PROCESS_KEY}/start`, { businessKey: `${runKey}-p-${i}`, variables: { days: 3 } }),
        expect: 201,
        after: (answer) => startedInstances.push((JSON.parse(answer.text) as { id: string }).id),
      },
    },
    complete: {
      what: 'complete one of the user’s tasks with 1 variable (the proxy stamps 3 more; the direct call sends the same 4)',
      engineCalls: '2 engine calls (the access check, a filtered POST /task, then the complete)',
      allowedCalls: 2,
      async prepare(needed) {
        completable.push(...(await tasksOf(startedInstances.splice(0))));
        if (completable.length < needed) completable.push(...(await startDirect(needed - completable.length, 'complete')));
      },
      direct: {
        run: () => direct.call('POST', `/task/${completable.pop()!}/complete`, { variables: { confirmed: { value: true, type: 'Boolean' }, ...stamps('completedBy') } }),
        expect: 204,
      },
      same: {
        run: () => {
          const task = completable.pop()!;
          return both(direct.call('POST', '/task?maxResults=1', { ...visibility, taskId: task }), () =>
            direct.call('POST', `/task/${task}/complete`, { variables: { confirmed: { value: true, type: 'Boolean' }, ...stamps('completedBy') } }),
          );
        },
        expect: 204,
      },
      proxied: {
        run: () => proxied.call('POST', `/api/tasks/${completable.pop()!}/complete`, { variables: { confirmed: true } }),
        expect: 200,
      },
    },
  };

  const results: ClassResult[] = [];
  for (const id of classes) {
    const plan = plans[id];
    await plan.prepare?.(SIDES.length * (warmup + iterations));
    const once = async (side: Side, i: number) => {
      const step = plan[side === 'hop' ? 'direct' : side];
      // The hop side is the direct call through the stack's bare hop: the plan's direct client, swapped for the call.
      if (side === 'hop') direct = stackHop;
      const answer = await step.run(i).finally(() => {
        direct = directly;
      });
      if (answer.status !== step.expect) throw new Error(`${id}, ${side}: expected ${step.expect}, got ${answer.status}: ${answer.text.slice(0, 500)}`);
      step.after?.(answer);
      return answer.ms;
    };
    const samples: Sample[] = [];
    let cpuBefore = 0;
    for (let i = 0; i < warmup + iterations; i += 1) {
      if (i === warmup) cpuBefore = cpuSeconds(proxyPid);
      // Rotate which side goes first, so none always runs on a just-warmed engine.
      const sample = {} as Sample;
      for (let k = 0; k < SIDES.length; k += 1) {
        const side = SIDES[(i + k) % SIDES.length]!;
        sample[side] = await once(side, i);
      }
      if (i >= warmup) samples.push(sample);
    }
    const cpu = cpuSeconds(proxyPid) - cpuBefore;
    // The engine-call budget, timed: the same action through the relayed proxy, one at a time; its
    // first few warm it (and fill its kept definition answer), as the timed proxy was warmed.
    await plan.prepare?.(budgetIterations + 5);
    proxied = relayed.client;
    const perAction: EngineCall[][] = [];
    for (let i = 0; i < budgetIterations + 5; i += 1) {
      relayed.relay.take();
      await once('proxied', warmup + iterations + i);
      if (i >= 5) perAction.push(relayed.relay.take());
    }
    proxied = proxiedDirectly;
    const r: ClassResult = {
      id,
      what: plan.what,
      engineCalls: plan.engineCalls,
      samples,
      proxyCpuUsPerRequest: (cpu * 1e6) / iterations,
      budget: { allowed: plan.allowedCalls, perAction },
    };
    results.push(r);
    const s = summary(r);
    log(`${id}: direct p50 ${fmt(s.directP50)} ms, proxied p50 ${fmt(s.proxiedP50)} ms, added p50 ${fmt(s.addedP50)} ms, p99 ${fmt(s.addedP99)} ms`);
  }
  return results;
}

function summary(r: ClassResult) {
  const sorted = (pick: (s: Sample) => number) => r.samples.map(pick).sort((a, b) => a - b);
  const d = sorted((s) => s.direct);
  const m = sorted((s) => s.same);
  const p = sorted((s) => s.proxied);
  const directP50 = percentile(d, 0.5);
  const directP99 = percentile(d, 0.99);
  const proxiedP50 = percentile(p, 0.5);
  const proxiedP99 = percentile(p, 0.99);
  const sameP50 = percentile(m, 0.5);
  const hopP50 = percentile(sorted((s) => s.hop), 0.5);
  return {
    hopP50,
    /** What the stack's bare hop adds to the direct call. */
    stackHopP50: hopP50 - directP50,
    directP50,
    directP99,
    proxiedP50,
    proxiedP99,
    addedP50: proxiedP50 - directP50,
    addedP99: proxiedP99 - directP99,
    pairedP50: percentile(sorted((s) => s.proxied - s.direct), 0.5),
    sameP50,
    sameP99: percentile(m, 0.99),
    /** What the proxy's own engine calls add, and what is left for the proxy itself. */
    queriesP50: sameP50 - directP50,
    ownP50: proxiedP50 - sameP50,
    /** The proxy's own time beyond what the stack's bare hop costs. */
    beyondHopP50: proxiedP50 - sameP50 - (hopP50 - directP50),
  };
}

function print(results: ClassResult[], idleCpuShare: number): void {
  const header = ['class', 'direct p50', 'direct p99', 'proxied p50', 'proxied p99', 'added p50', 'added p99', 'paired diff p50', 'same calls direct p50', 'p99', 'of added p50: queries', 'proxy itself', 'stack hop p50', 'its hop', 'proxy beyond the hop', 'proxy CPU µs/req'];
  const rows = results.map((r) => {
    const s = summary(r);
    return [
      r.id,
      fmt(s.directP50),
      fmt(s.directP99),
      fmt(s.proxiedP50),
      fmt(s.proxiedP99),
      fmt(s.addedP50),
      fmt(s.addedP99),
      fmt(s.pairedP50),
      fmt(s.sameP50),
      fmt(s.sameP99),
      fmt(s.queriesP50),
      fmt(s.ownP50),
      fmt(s.hopP50),
      fmt(s.stackHopP50),
      fmt(s.beyondHopP50),
      fmt(r.proxyCpuUsPerRequest, 0),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  process.stdout.write(
    [
      '',
      `Real Camunda engine (test/engine, ${database === 'postgres' ? 'PostgreSQL 15' : 'H2 in memory'}; INSTANCE_ORG=${instanceOrg}), ${iterations} iterations per class after ${warmup} warm-up. Each iteration: the user action straight to the engine ` +
        "(BasicAuth), the proxy's engine calls for it straight to the engine, and the action through the proxy (Clerk session token, cached after its first " +
        'verification), rotating which goes first; sequential, one keep-alive connection per side; ms',
      '',
      line(header),
      rule,
      ...rows.map(line),
      '',
      ...results.map((r) => `${r.id}: ${r.what}; through the proxy: ${r.engineCalls}`),
      '',
      "added = proxied − direct, of each percentile. It includes the proxy's authorization engine calls: a proxied list or read is one filtered engine",
      'query (instead of the plain one), a start is a definition count then the start, a complete is the access check then the complete.',
      "paired diff p50 = median over the iterations of (proxied − direct). same calls direct = the proxy's engine calls for the action, made straight to",
      "the engine and timed together; \"of added p50\" splits added p50 into those calls (same − direct) and the proxy itself (proxied − same).",
      'stack hop = the direct call through bare express 5 + http-proxy-middleware 4 (bench/expressHop.ts: BasicAuth set, nothing else); "its hop" = stack hop − direct,',
      'what any proxy on the chosen stack adds to one call on this machine; "proxy beyond the hop" = proxy itself − its hop.',
      `proxy CPU = CPU time of the proxy process (all threads, user + system) over the measured iterations per proxied call; idle, the proxy used ${fmt(idleCpuShare * 100, 1)} % of a core.`,
      'At one request at a time a call costs the proxy several times the CPU it costs under load (`npm run bench`: no batching of reads, writes and',
      'wake-ups, cold caches).',
      '',
      `Engine-call budget, timed (${budgetIterations} proxied actions per class through a second proxy whose engine calls pass a counting relay; ms as the relay saw`,
      'each call, from its first byte in to the engine answer\'s last byte out; "at once" = calls of one action that overlapped):',
      ...results.map(budgetLines).flat(),
      '',
      'Targets (issue 23):',
      ...results.map((r) => targetLine(r.id, summary(r))),
      '',
    ].join('\n'),
  );
}

/** The engine calls behind one class's proxied actions: how many, which, how long, and against the budget. */
function budgetLines(r: ClassResult): string[] {
  const { allowed, perAction } = r.budget;
  const counts = perAction.map((calls) => calls.length).sort((a, b) => a - b);
  const most = counts[counts.length - 1] ?? 0;
  const overlapped = perAction.filter((calls) => calls.some((a, i) => calls.some((b, k) => k !== i && a.startedAt < b.endedAt && b.startedAt < a.endedAt))).length;
  const byCall = new Map<string, number[]>();
  for (const calls of perAction) for (const call of calls) byCall.set(`${call.method} ${call.path}`, [...(byCall.get(`${call.method} ${call.path}`) ?? []), call.ms]);
  const spent = perAction.map((calls) => (calls.length === 0 ? 0 : Math.max(...calls.map((c) => c.endedAt)) - Math.min(...calls.map((c) => c.startedAt)))).sort((a, b) => a - b);
  return [
    `  ${r.id}: ${fmt(percentile(counts, 0.5), 0)} engine calls per action (most ${String(most)}; budget ${String(allowed)}: ${most <= allowed ? 'met' : 'NOT met'})` +
      `${overlapped > 0 ? `, at once in ${String(overlapped)} of ${String(perAction.length)}` : ''}; engine time per action p50 ${fmt(percentile(spent, 0.5))} ms`,
    ...[...byCall].map(([call, ms]) => {
      const sorted = ms.sort((a, b) => a - b);
      return `      ${call}: ${String(ms.length)} calls, p50 ${fmt(percentile(sorted, 0.5))} ms, p99 ${fmt(percentile(sorted, 0.99))} ms`;
    }),
  ];
}

/** Issue 23's target for a class, and whether this run met it. */
function targetLine(id: RouteClass, s: ReturnType<typeof summary>): string {
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  switch (id) {
    case 'list':
    case 'read':
      return `  ${id}: added p50 ${fmt(s.addedP50)} ms (target <= 0.5), added p99 ${fmt(s.addedP99)} ms (target <= 2): ${verdict(s.addedP50 <= 0.5 && s.addedP99 <= 2)}`;
    case 'form':
      return `  ${id}: proxied p50 ${fmt(s.proxiedP50 / s.directP50)} x the direct read of the same form (target <= 1.3 x): ${verdict(s.proxiedP50 / s.directP50 <= 1.3)}`;
    case 'complete':
      return `  ${id}: proxied p50 ${fmt(s.proxiedP50 / s.directP50)} x the direct action (target <= 1.3 x): ${verdict(s.proxiedP50 / s.directP50 <= 1.3)}`;
    case 'start':
      return `  ${id}: proxied p50 ${fmt(s.proxiedP50 / s.directP50)} x the direct start (no target of its own)`;
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench:e2e] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
