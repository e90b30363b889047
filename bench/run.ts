/**
 * npm run bench [-- options]     throughput/latency table of the proxy variants and the ratios
 * npm run bench -- --tokens      100k distinct tokens through the proxy with auth: RSS before/after
 * npm run bench -- --profile     the proxy with auth under load with --cpu-prof, summarised
 *
 * Every proxy variant runs in its own child process pinned to one core (taskset), the load
 * generator (autocannon, in this process) on the other, and the engine stand-in in its own process.
 * See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSigningKey, mintSessionToken, privateKeyPem, signingKeyFromPrivatePem, testUsers, type SigningKey } from '../test/support/clerkTokens.js';
import { baseEnv } from '../test/support/proxyHarness.js';
import { buildChildren, PRODUCTION_NODE_FLAGS, spawnChild, type Child, type ChildEntry } from './lib/children.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { coreMeter, cpuMeter, memoryDetailMiB, rssMiB } from './lib/procStats.js';
import { startRedisServer, type RedisServer } from '../test/support/redisServer.js';
import { startOtlpSink } from './lib/otlpSink.js';
import { printProfileSummary } from './profileSummary.js';


// ---------------------------------------------------------------------------------------------
// Options

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    variants: { type: 'string' },
    rounds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    tokens: { type: 'boolean', default: false },
    count: { type: 'string' },
    'fresh-tokens': { type: 'boolean', default: false },
    idle: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'profile-variant': { type: 'string' },
    'proxy-cpus': { type: 'string' },
    'load-cpus': { type: 'string' },
    'engine-cpus': { type: 'string' },
    'log-level': { type: 'string' },
    'proxy-env': { type: 'string', multiple: true },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

if (flags.help) {
  process.stdout.write(`Usage: npm run bench [-- options]
  --duration S        seconds measured per variant (BENCH_DURATION, default 10; --quick: 3)
  --warmup S          seconds of discarded warm-up per variant (BENCH_WARMUP, default 2; --quick: 1)
  --connections N     concurrent keep-alive connections (BENCH_CONNECTIONS, default 32)
  --variants a,b      subset/order of: auth, nocache, noauth, bare, express-hpm, auth-info, auth-warn, auth-redis, auth-otel (BENCH_VARIANTS, default all)
  --rounds N          repeat the sequence N times (rotated), report the median round per variant (default 1)
  --log-level L       LOG_LEVEL of the proxy variants without their own (BENCH_LOG_LEVEL, default silent)
  --proxy-cpus/--load-cpus/--engine-cpus   taskset CPU lists (default 0 / 1 / 1)
  --proxy-env K=V     extra environment for every proxy variant (repeatable), e.g. AUTH_CACHE_MAX_ENTRIES=1000
  --tokens            token-flood mode: --count distinct tokens (BENCH_TOKENS, default 100000);
                      minted tokens are kept in the temp dir for an hour, --fresh-tokens re-mints;
                      --idle S: RSS again after S seconds idle (default 10)
  --profile           CPU profile of --profile-variant (default auth; any variant) under load, written to /tmp
  --json FILE         also write the raw results as JSON
`);
  process.exit(0);
}

const num = (flag: string | undefined, env: string | undefined, fallback: number) => {
  const value = Number(flag ?? env ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`not a positive number: ${flag ?? env}`);
  return value;
};
const durationSeconds = num(flags.duration, process.env.BENCH_DURATION, flags.quick ? 3 : 10);
const warmupSeconds = num(flags.warmup, process.env.BENCH_WARMUP, flags.quick ? 1 : 2);
const connections = num(flags.connections, process.env.BENCH_CONNECTIONS, 32);
const rounds = num(flags.rounds, process.env.BENCH_ROUNDS, 1);
const idleSeconds = num(flags.idle, process.env.BENCH_IDLE, 10);
const tokenCount = num(flags.count, process.env.BENCH_TOKENS, flags.quick ? 10_000 : 100_000);
const proxyCpus = flags['proxy-cpus'] ?? process.env.BENCH_PROXY_CPUS ?? '0';
const loadCpus = flags['load-cpus'] ?? process.env.BENCH_LOAD_CPUS ?? '1';
const engineCpus = flags['engine-cpus'] ?? process.env.BENCH_ENGINE_CPUS ?? '1';
const logLevel = flags['log-level'] ?? process.env.BENCH_LOG_LEVEL ?? 'silent';

// ---------------------------------------------------------------------------------------------
// Variants

interface Variant {
  label: string;
  entry: ChildEntry;
  env: NodeJS.ProcessEnv;
  /** Where the child's stdout goes: `pipe` = drained by this process, like a log collector. */
  stdout?: 'ignore' | 'pipe';
  /** Its buckets in a shared store: the bench starts a redis-server (on the engine's core) for it. */
  store?: boolean;
}

/** Where the `auth-otel` variant exports its spans: a sink in this process, started by main(). */
let otlpSink: Awaited<ReturnType<typeof startOtlpSink>> | undefined;

function allVariants(): Record<string, Variant> {
  return {
    auth: { label: 'proxy, auth (cache on)', entry: 'proxyProcess', env: { LOG_LEVEL: logLevel } },
    nocache: { label: 'proxy, auth, AUTH_CACHE=off', entry: 'proxyProcess', env: { LOG_LEVEL: logLevel, AUTH_CACHE: 'off' } },
    noauth: { label: 'proxy, auth skipped (bench)', entry: 'proxyProcess', env: { LOG_LEVEL: logLevel, BENCH_AUTH: 'skip' } },
    bare: { label: 'bare node:http proxy (floor)', entry: 'bareProxy', env: {} },
    'express-hpm': { label: 'bare express 5 + http-proxy-middleware', entry: 'expressProxy', env: {} },
    'auth-info': { label: 'proxy, auth, LOG_LEVEL=info', entry: 'proxyProcess', env: { LOG_LEVEL: 'info' }, stdout: 'pipe' },
    'auth-warn': { label: 'proxy, auth, LOG_LEVEL=warn', entry: 'proxyProcess', env: { LOG_LEVEL: 'warn' }, stdout: 'pipe' },
    'auth-redis': { label: 'proxy, auth, buckets in Redis (RATE_LIMIT_STORE)', entry: 'proxyProcess', env: { LOG_LEVEL: logLevel }, store: true },
    'auth-otel': {
      label: 'proxy, auth, tracing on (OTLP/HTTP protobuf)',
      entry: 'proxyProcess',
      env: { LOG_LEVEL: logLevel, OTEL_EXPORTER_OTLP_ENDPOINT: otlpSink?.endpoint },
    },
  };
}
const defaultVariants = ['auth', 'nocache', 'noauth', 'bare', 'express-hpm', 'auth-info', 'auth-warn', 'auth-redis', 'auth-otel'];

/** The rate-limit store of the `store` variants, while one runs (see startStoreFor). */
let rateLimitStoreUrl: string | undefined;

/** A redis-server for the variants that keep their buckets in one, pinned with the engine stand-in; undefined when none does. */
async function startStoreFor(variants: readonly Variant[]): Promise<RedisServer | undefined> {
  if (!variants.some((variant) => variant.store)) return undefined;
  const store = await startRedisServer({ cpus: engineCpus }).catch((error: Error) => {
    throw new Error(`the auth-redis variant needs Debian's redis-server (apt-get install redis-server): ${error.message}`);
  });
  rateLimitStoreUrl = store.url;
  return store;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const pct = (value: number) => (Number.isFinite(value) ? `${Math.round(value * 100)}%` : '-');

/** The load generator is this process: pin all its threads (autocannon runs on the main one). */
function pinSelf(cpus: string): void {
  try {
    execFileSync('taskset', ['-a', '-cp', cpus, String(process.pid)], { stdio: 'ignore' });
  } catch (error) {
    log(`could not pin the load generator to CPU ${cpus}: ${(error as Error).message}`);
  }
}

interface EngineStats {
  connectionsOpened: number;
  connectionsOpen: number;
  requests: number;
  unauthorizedRequests: number;
}

async function startEngine(script: string): Promise<{ child: Child; url: string; stats: () => Promise<EngineStats> }> {
  const child = spawnChild('engine stand-in', script, { cpus: engineCpus });
  const ready = await child.ready;
  return { child, url: `http://127.0.0.1:${String(ready.port)}/engine-rest`, stats: () => child.ask<EngineStats>('stats') };
}

const extraProxyEnv: NodeJS.ProcessEnv = Object.fromEntries(
  (flags['proxy-env'] ?? []).map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--proxy-env needs KEY=VALUE, got ${pair}`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);

function proxyEnv(key: SigningKey, engineUrl: string, variant: Variant): NodeJS.ProcessEnv {
  return {
    ...baseEnv(key, engineUrl),
    NODE_ENV: 'production',
    ...variant.env,
    // Fail closed: a bench of the store must never be served by the in-process fallback unnoticed (503s count as non-2xx).
    ...(variant.store && { RATE_LIMIT_STORE: rateLimitStoreUrl, RATE_LIMIT_STORE_FAILURE: 'closed' }),
    ...extraProxyEnv,
  };
}

/** Drains a piped stdout (as a log collector would) and counts what it got. */
function drain(child: Child): { bytes: () => number } {
  let bytes = 0;
  child.process.stdout?.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  return { bytes: () => bytes };
}

interface VariantResult extends LoadResult {
  id: string;
  label: string;
  proxyCpu: number;
  /** Proxy CPU time per request, µs: robust to other load on the machine (unlike req/s). */
  cpuUsPerRequest: number;
  /** Share of the proxy's core used by other processes (someone else's work on core 0), and stolen by the hypervisor. */
  proxyCoreOthers: number;
  proxyCoreSteal: number;
  loadCpu: number;
  engineCpu: number;
  engineConnections: number;
  engineRequests: number;
  logBytesPerRequest?: number;
  /** OTLP bytes the sink received per request (auth-otel). */
  exportBytesPerRequest?: number;
  rssMiB: number;
}

// ---------------------------------------------------------------------------------------------
// Mode 1: the table

async function runVariant(
  id: string,
  variant: Variant,
  scripts: Record<ChildEntry, string>,
  engine: Awaited<ReturnType<typeof startEngine>>,
  key: SigningKey,
  token: string,
  nodeFlags: readonly string[] = PRODUCTION_NODE_FLAGS,
  marks: { loadStart?: bigint; loadEnd?: bigint } = {},
): Promise<{ result: VariantResult; child: Child }> {
  const child = spawnChild(variant.label, scripts[variant.entry], {
    cpus: proxyCpus,
    env: proxyEnv(key, engine.url, variant),
    stdout: variant.stdout ?? 'ignore',
    nodeFlags,
  });
  const output = variant.stdout === 'pipe' ? drain(child) : undefined;
  const { port } = await child.ready;
  const url = `http://127.0.0.1:${String(port)}/api/processes`;
  const headers = { authorization: `Bearer ${token}` };

  // Sanity: one request must succeed before anything is measured.
  const probe = await fetch(url, { headers });
  if (probe.status !== 200) throw new Error(`${variant.label}: GET /api/processes answered ${probe.status}: ${await probe.text()}`);
  await probe.arrayBuffer().catch(() => undefined);

  await runLoad({ url, connections, durationSeconds: warmupSeconds, headers });
  const enginePids = { proxy: child.pid, load: process.pid, engine: engine.child.pid };
  const before = await engine.stats();
  const bytesBefore = output?.bytes() ?? 0;
  const exporting = variant.env.OTEL_EXPORTER_OTLP_ENDPOINT ? otlpSink : undefined;
  const exportedBefore = exporting?.bytes() ?? 0;
  const meter = cpuMeter(enginePids);
  const cores = coreMeter();
  marks.loadStart = process.hrtime.bigint();
  const load = await runLoad({ url, connections, durationSeconds, headers });
  marks.loadEnd = process.hrtime.bigint();
  const cpu = meter();
  const proxyCore = cores().get(Number(proxyCpus.split(/[,-]/)[0]));
  const after = await engine.stats();
  const result: VariantResult = {
    id,
    label: variant.label,
    ...load,
    proxyCpu: cpu.proxy!,
    cpuUsPerRequest: (cpu.proxy! * load.seconds * 1e6) / Math.max(1, load.requests),
    proxyCoreOthers: proxyCore ? Math.max(0, proxyCore.tasks - cpu.proxy!) : Number.NaN,
    proxyCoreSteal: proxyCore ? proxyCore.steal : Number.NaN,
    loadCpu: cpu.load!,
    engineCpu: cpu.engine!,
    engineConnections: after.connectionsOpened - before.connectionsOpened,
    engineRequests: after.requests - before.requests,
    rssMiB: rssMiB(child.pid),
    ...(output ? { logBytesPerRequest: (output.bytes() - bytesBefore) / Math.max(1, load.requests) } : {}),
    ...(exporting ? { exportBytesPerRequest: (exporting.bytes() - exportedBefore) / Math.max(1, load.requests) } : {}),
  };
  return { result, child };
}

function median(results: VariantResult[]): VariantResult {
  const sorted = [...results].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function printTable(results: VariantResult[]): void {
  const header = ['variant', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx', 'proxy CPU', 'CPU µs/req', 'others on proxy core', 'load CPU', 'engine CPU', 'engine conns', 'RSS MiB'];
  const rows = results.map((r) => [
    `${r.id}: ${r.label}`,
    fmt(r.rps, 0),
    fmt(r.p50),
    fmt(r.p90),
    fmt(r.p99),
    fmt(r.max, 1),
    String(r.errors),
    String(r.non2xx),
    pct(r.proxyCpu),
    fmt(r.cpuUsPerRequest, 0),
    `${pct(r.proxyCoreOthers)}${r.proxyCoreSteal > 0.01 ? ` (+${pct(r.proxyCoreSteal)} steal)` : ''}`,
    pct(r.loadCpu),
    pct(r.engineCpu),
    `${r.engineConnections} (${fmt(r.engineRequests / Math.max(1, r.engineConnections), 0)} req/conn)`,
    fmt(r.rssMiB, 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)];
  process.stdout.write(`${out.join('\n')}\n`);
}

/** The median of a ratio computed within each round (variants of one round ran minutes apart at most). */
function perRound(all: Map<string, VariantResult[]>, ids: string[], ratio: (...r: VariantResult[]) => number): number | undefined {
  const series = ids.map((id) => all.get(id));
  if (series.some((s) => !s || s.length === 0)) return undefined;
  const values = series[0]!.map((_, round) => ratio(...series.map((s) => s![round]!))).sort((a, b) => a - b);
  return values[Math.floor((values.length - 1) / 2)];
}

function printRatios(all: Map<string, VariantResult[]>): void {
  const lines: string[] = [''];
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const of = rounds > 1 ? ` (median of ${rounds} per-round values)` : '';
  // req/s ratios, and the same from CPU µs per request (robust when other processes share the proxy's core).
  const cpuNote = (value: number | undefined, show: (v: number) => string) => (value === undefined ? '' : `; by CPU/request: ${show(value)}`);
  const cost = perRound(all, ['auth', 'noauth'], (a, n) => 1 - a!.rps / n!.rps);
  const costCpu = perRound(all, ['auth', 'noauth'], (a, n) => 1 - n!.cpuUsPerRequest / a!.cpuUsPerRequest);
  if (cost !== undefined) {
    lines.push(
      `cost of auth (cache on vs auth skipped):     ${fmt(cost * 100, 1)} % fewer req/s   (target <= 10 %: ${verdict(cost <= 0.1)})${of}${cpuNote(costCpu, (v) => `${fmt(v * 100, 1)} %`)}`,
    );
  }
  const floor = perRound(all, ['auth', 'bare'], (a, b) => a!.rps / b!.rps);
  const floorCpu = perRound(all, ['auth', 'bare'], (a, b) => b!.cpuUsPerRequest / a!.cpuUsPerRequest);
  if (floor !== undefined) {
    lines.push(`proxy with auth vs bare floor:               ${fmt(floor)} x             (target >= 0.8 x: ${verdict(floor >= 0.8)})${of}${cpuNote(floorCpu, (v) => `${fmt(v)} x`)}`);
  }
  const stack = perRound(all, ['auth', 'express-hpm'], (a, e) => a!.rps / e!.rps);
  const stackCpu = perRound(all, ['auth', 'express-hpm'], (a, e) => e!.cpuUsPerRequest / a!.cpuUsPerRequest);
  if (stack !== undefined) {
    lines.push(
      `proxy with auth (as deployed) vs bare express + http-proxy-middleware: ${fmt(stack)} x (target >= 0.9 x: ${verdict(stack >= 0.9)})${of}${cpuNote(stackCpu, (v) => `${fmt(v)} x`)}`,
    );
  }
  const p99 = perRound(all, ['auth'], (a) => a!.p99);
  if (p99 !== undefined) lines.push(`p99 of proxy with auth at ${connections} connections:   ${fmt(p99)} ms          (target <= 25 ms: ${verdict(p99 <= 25)})${of}`);
  const nocache = perRound(all, ['nocache', 'noauth'], (c, n) => 1 - c!.rps / n!.rps);
  if (nocache !== undefined) lines.push(`cost of auth without the cache:              ${fmt(nocache * 100, 1)} % fewer req/s`);
  const noauthFloor = perRound(all, ['noauth', 'bare'], (n, b) => n!.rps / b!.rps);
  if (noauthFloor !== undefined) lines.push(`proxy without auth vs bare floor:            ${fmt(noauthFloor)} x`);
  const noauthStack = perRound(all, ['noauth', 'express-hpm'], (n, e) => n!.rps / e!.rps);
  const noauthStackCpu = perRound(all, ['noauth', 'express-hpm'], (n, e) => e!.cpuUsPerRequest / n!.cpuUsPerRequest);
  if (noauthStack !== undefined) lines.push(`proxy without auth vs bare express + HPM:    ${fmt(noauthStack)} x${cpuNote(noauthStackCpu, (v) => `${fmt(v)} x`)}`);
  const stackFloor = perRound(all, ['express-hpm', 'bare'], (e, b) => e!.rps / b!.rps);
  const stackFloorCpu = perRound(all, ['express-hpm', 'bare'], (e, b) => b!.cpuUsPerRequest / e!.cpuUsPerRequest);
  if (stackFloor !== undefined) lines.push(`bare express + HPM vs bare floor:            ${fmt(stackFloor)} x${cpuNote(stackFloorCpu, (v) => `${fmt(v)} x`)}`);
  const info = perRound(all, ['auth-info', 'auth'], (i, a) => 1 - i!.rps / a!.rps);
  if (info !== undefined) {
    const bytes = all.get('auth-info')![0]!.logBytesPerRequest ?? Number.NaN;
    lines.push(`access log cost (LOG_LEVEL=info vs silent):  ${fmt(info * 100, 1)} % fewer req/s, ${fmt(bytes, 0)} log bytes/request`);
  }
  const warn = perRound(all, ['auth-warn', 'auth'], (w, a) => 1 - w!.rps / a!.rps);
  if (warn !== undefined) {
    const bytes = all.get('auth-warn')![0]!.logBytesPerRequest ?? 0;
    lines.push(
      `LOG_LEVEL=warn vs silent:                    ${fmt(warn * 100, 1)} % fewer req/s, ${fmt(bytes, 0)} log bytes/request${bytes > 10 ? '  (the access log still writes at warn)' : ''}`,
    );
  }
  const storeCost = perRound(all, ['auth-redis', 'auth'], (r, a) => 1 - r!.rps / a!.rps);
  const storeCpu = perRound(all, ['auth-redis', 'auth'], (r, a) => r!.cpuUsPerRequest / a!.cpuUsPerRequest - 1);
  const storeP50 = perRound(all, ['auth-redis', 'auth'], (r, a) => r!.p50 - a!.p50);
  if (storeCost !== undefined) {
    lines.push(
      `shared store (Redis) vs in-process buckets:  ${fmt(storeCost * 100, 1)} % fewer req/s, ${fmt((storeCpu ?? Number.NaN) * 100, 1)} % more proxy CPU/request, ` +
        `p50 ${fmt(storeP50 ?? Number.NaN)} ms added${connections > 1 ? ` (at ${connections} connections; --connections 1 for one request's latency)` : ''}`,
    );
  }
  const otel = perRound(all, ['auth-otel', 'auth'], (o, a) => 1 - o!.rps / a!.rps);
  const otelCpu = perRound(all, ['auth-otel', 'auth'], (o, a) => 1 - a!.cpuUsPerRequest / o!.cpuUsPerRequest);
  if (otel !== undefined) {
    const bytes = all.get('auth-otel')![0]!.exportBytesPerRequest ?? Number.NaN;
    lines.push(
      `tracing cost (OTLP export on vs off):       ${fmt(otel * 100, 1)} % fewer req/s${cpuNote(otelCpu, (v) => `${fmt(v * 100, 1)} %`)}, ${fmt(bytes, 0)} OTLP bytes/request`,
    );
  }
  const disturbed = [...all.values()].flat().filter((r) => r.proxyCoreOthers + r.proxyCoreSteal > 0.05 || r.proxyCpu < 0.9);
  if (disturbed.length > 0) {
    lines.push(
      `note: other processes or the hypervisor took >5 % of the proxy's core (or the proxy was not CPU-bound) during ${[...new Set(disturbed.map((r) => r.id))].join(', ')}: ` +
        'req/s is understated there; CPU µs/req is the steadier figure',
    );
  }
  const loadBound = [...all.values()].flat().filter((r) => r.loadCpu + (engineCpus === loadCpus ? r.engineCpu : 0) > 0.9);
  if (loadBound.length > 0) {
    lines.push(`note: the load core was >90 % busy during ${[...new Set(loadBound.map((r) => r.id))].join(', ')}: those numbers are capped by the load side, not the proxy`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function tableMode(): Promise<void> {
  const variants = allVariants();
  const ids = (flags.variants ?? process.env.BENCH_VARIANTS ?? defaultVariants.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) if (!variants[id]) throw new Error(`unknown variant ${id}; known: ${Object.keys(variants).join(', ')}`);
  const scripts = await buildChildren(['engineStandIn', 'proxyProcess', 'bareProxy', 'expressProxy']);
  const key = createSigningKey('ins_bench');
  const token = mintSessionToken(key, testUsers.alice, { expiresInSeconds: 3600 });
  const engine = await startEngine(scripts.engineStandIn);
  const store = await startStoreFor(ids.map((id) => variants[id]!)).catch(async (error: unknown) => {
    await engine.child.stop();
    throw error;
  });
  log(
    `${ids.length} variants x ${rounds} round(s), ${warmupSeconds}s warm-up + ${durationSeconds}s each, ${connections} connections; ` +
      `proxy on CPU ${proxyCpus}, load on CPU ${loadCpus}, engine on CPU ${engineCpus}; node ${process.version}`,
  );
  const all = new Map<string, VariantResult[]>();
  try {
    for (let round = 1; round <= rounds; round += 1) {
      // Each round starts one variant later, so no variant is always the first (or last) to run.
      const order = ids.map((_, i) => ids[(i + round - 1) % ids.length]!);
      for (const id of order) {
        const variant = variants[id]!;
        log(`round ${round}: ${id} (${variant.label})`);
        const { result, child } = await runVariant(id, variant, scripts, engine, key, token);
        const code = await child.stop();
        if (code !== 0) throw new Error(`${variant.label} exited with code ${code}`);
        all.set(id, [...(all.get(id) ?? []), result]);
        log(`  ${fmt(result.rps, 0)} req/s, p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms, non-2xx ${result.non2xx}, errors ${result.errors}`);
      }
    }
  } finally {
    await engine.child.stop();
    await store?.stop();
  }
  const results = ids.map((id) => median(all.get(id)!));
  process.stdout.write(
    `\nGET /api/processes, ${connections} connections, ${durationSeconds}s per variant after ${warmupSeconds}s warm-up${rounds > 1 ? `, median of ${rounds} rounds` : ''}; ` +
      `proxy CPU ${proxyCpus}, load CPU ${loadCpus}, engine CPU ${engineCpus}; proxy LOG_LEVEL=${logLevel} unless named\n\n`,
  );
  printTable(results);
  printRatios(all);
  if (flags.json) writeFileSync(flags.json, JSON.stringify({ connections, durationSeconds, warmupSeconds, rounds, results: Object.fromEntries(all) }, null, 2));
}

// ---------------------------------------------------------------------------------------------
// Mode 2: token flood

/** Mints `count` distinct valid session tokens in parallel child processes (all cores). */
async function mintTokens(script: string, key: SigningKey, count: number): Promise<string[]> {
  const workers = Math.max(1, availableParallelism());
  const per = Math.ceil(count / workers);
  const pem = privateKeyPem(key);
  const started = performance.now();
  const parts = await Promise.all(
    Array.from({ length: workers }, async (_, i) => {
      const from = i * per;
      const n = Math.max(0, Math.min(per, count - from));
      const child = spawnChild(`minter ${i}`, script, {
        env: { BENCH_MINT_KEY_PEM: pem, BENCH_MINT_KID: key.kid, BENCH_MINT_FROM: String(from), BENCH_MINT_COUNT: String(n), BENCH_MINT_TTL: String(TOKEN_TTL_SECONDS) },
        stdout: 'pipe',
      });
      const chunks: Buffer[] = [];
      child.process.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
      const { code } = await child.exited;
      if (code !== 0) throw new Error(`token minter ${i} exited with ${code}`);
      return Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean);
    }),
  );
  const tokens = parts.flat();
  if (new Set(tokens).size !== count) throw new Error(`expected ${count} distinct tokens, got ${new Set(tokens).size}`);
  log(`minted ${tokens.length} distinct tokens in ${fmt((performance.now() - started) / 1000, 1)} s on ${workers} processes`);
  return tokens;
}

const TOKEN_TTL_SECONDS = 7200;

/**
 * Minting is the slow part (about 0.3 ms per RS256 signature), so the key and tokens are kept in
 * the temp directory and reused while they have more than an hour to live. --fresh-tokens re-mints.
 */
async function cachedTokens(script: string, count: number): Promise<{ key: SigningKey; tokens: string[] }> {
  const file = join(tmpdir(), `clerk-camunda-proxy-bench-tokens-${count}.json`);
  if (!flags['fresh-tokens']) {
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { pem: string; kid: string; mintedAt: number; tokens: string[] };
      if (saved.tokens.length === count && Date.now() - saved.mintedAt < (TOKEN_TTL_SECONDS - 3600) * 1000) {
        log(`reusing ${count} tokens minted ${fmt((Date.now() - saved.mintedAt) / 60_000, 0)} min ago (${file})`);
        return { key: signingKeyFromPrivatePem(saved.pem, saved.kid), tokens: saved.tokens };
      }
    } catch {
      // none saved, or unreadable: mint
    }
  }
  const key = createSigningKey('ins_bench');
  const mintedAt = Date.now();
  const tokens = await mintTokens(script, key, count);
  writeFileSync(file, JSON.stringify({ pem: privateKeyPem(key), kid: key.kid, mintedAt, tokens }), { mode: 0o600 });
  return { key, tokens };
}

interface MemoryReport {
  spaces?: Record<string, { size: number; used: number }>;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

async function tokensMode(): Promise<void> {
  const scripts = await buildChildren(['engineStandIn', 'proxyProcess', 'mintTokens']);
  const { key, tokens } = await cachedTokens(scripts.mintTokens, tokenCount);
  const warmToken = mintSessionToken(key, testUsers.alice, { expiresInSeconds: 3600 });
  pinSelf(loadCpus);
  const engine = await startEngine(scripts.engineStandIn);
  const variant = allVariants().auth!;
  const child = spawnChild(variant.label, scripts.proxyProcess, {
    cpus: proxyCpus,
    env: proxyEnv(key, engine.url, variant),
    nodeFlags: ['--expose-gc', ...PRODUCTION_NODE_FLAGS],
  });
  interface Moment {
    label: string;
    vmRss: number;
    lazyFree: number;
    heap?: MemoryReport;
  }
  const moment = async (label: string, gc = false): Promise<Moment> => {
    const heap = gc ? await child.ask<MemoryReport>('memory', { gc: true }) : undefined;
    const detail = memoryDetailMiB(child.pid);
    return { label, vmRss: rssMiB(child.pid), lazyFree: detail.lazyFree, heap };
  };
  try {
    const { port } = await child.ready;
    const url = `http://127.0.0.1:${String(port)}/api/processes`;
    const moments: Moment[] = [await moment('start (idle)')];
    log(`warm-up: ${warmupSeconds}s with one token`);
    await runLoad({ url, connections, durationSeconds: warmupSeconds, headers: { authorization: `Bearer ${warmToken}` } });
    await sleep(500);
    const warm = await moment(`after warm-up (${warmupSeconds}s, one token)`);
    const warmGc = await moment('  same, after a forced gc', true);
    moments.push(warm, warmGc);

    log(`flood: ${tokens.length} requests, each with its own token, ${connections} connections`);
    let next = 0;
    const samples: { requests: number; rss: number }[] = [];
    let sent = 0;
    const sampler = setInterval(() => samples.push({ requests: sent, rss: rssMiB(child.pid) }), 1_000);
    const meter = cpuMeter({ proxy: child.pid });
    const flood = await runLoad({
      url,
      connections,
      amount: tokens.length,
      authorizationFor: () => {
        sent += 1;
        return `Bearer ${tokens[next++ % tokens.length]!}`;
      },
    });
    clearInterval(sampler);
    const cpu = meter();
    await sleep(500);
    const after = await moment(`after ${tokens.length} distinct tokens`);
    const afterGc = await moment('  same, after a forced gc', true);
    await sleep(idleSeconds * 1000);
    const idle = await moment(`  then ${idleSeconds}s idle`);
    moments.push(after, afterGc, idle);
    const peak = Math.max(...samples.map((sample) => sample.rss), after.vmRss);

    const mib = (bytes: number | undefined) => (bytes === undefined ? '' : fmt(bytes / 2 ** 20, 1));
    const ratio = after.vmRss / warm.vmRss;
    const held = (m: Moment) => m.vmRss - (Number.isFinite(m.lazyFree) ? m.lazyFree : 0);
    const heldRatio = held(after) / held(warm);
    process.stdout.write(
      [
        '',
        `Token flood: ${tokens.length} distinct valid session tokens (distinct sub and sid), ${connections} connections, proxy with auth (cache on, LOG_LEVEL=${logLevel}` +
          `${Object.keys(extraProxyEnv).length > 0 ? `, ${Object.entries(extraProxyEnv).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}); MiB`,
        '',
        '| moment | VmRSS | LazyFree | VmRSS − LazyFree | heapUsed | heapTotal | external |',
        '|:--|--:|--:|--:|--:|--:|--:|',
        ...moments.map(
          (m) => `| ${m.label} | ${fmt(m.vmRss, 1)} | ${fmt(m.lazyFree, 1)} | ${fmt(held(m), 1)} | ${mib(m.heap?.heapUsed)} | ${mib(m.heap?.heapTotal)} | ${mib(m.heap?.external)} |`,
        ),
        `| peak VmRSS during the flood (1 s samples) | ${fmt(peak, 1)} | | | | | |`,
        '',
        `VmRSS after flood / after warm-up: ${fmt(ratio)} x (target <= 1.3 x: ${ratio <= 1.3 ? 'met' : 'NOT met'}); ` +
          `without LazyFree pages: ${fmt(heldRatio)} x; retained JS heap (heapUsed after gc) ${mib(warmGc.heap?.heapUsed)} -> ${mib(afterGc.heap?.heapUsed)} MiB`,
        `V8 heap spaces after gc, size/used MiB, warm-up -> flood: ${Object.keys(afterGc.heap?.spaces ?? {})
          .map((name) => {
            const w = warmGc.heap?.spaces?.[name];
            const a = afterGc.heap?.spaces?.[name];
            return `${name} ${w ? `${mib(w.size)}/${mib(w.used)}` : '-'} -> ${a ? `${mib(a.size)}/${mib(a.used)}` : '-'}`;
          })
          .filter((line) => !line.includes('0.0/0.0 -> 0.0/0.0'))
          .join(', ')}`,
        `flood: ${fmt(flood.rps, 0)} req/s (every request a cache miss: full verification), p50 ${fmt(flood.p50)} ms, p99 ${fmt(flood.p99)} ms, ` +
          `non-2xx ${flood.non2xx}, errors ${flood.errors}, proxy CPU ${pct(cpu.proxy!)}`,
        `VmRSS curve (requests sent: MiB): ${samples
          .filter((_, i) => i % Math.max(1, Math.ceil(samples.length / 12)) === 0)
          .map((sample) => `${sample.requests}: ${fmt(sample.rss, 0)}`)
          .join(', ')}`,
        '',
      ].join('\n'),
    );
    if (flags.json) writeFileSync(flags.json, JSON.stringify({ moments, peak, flood, samples }, null, 2));
  } finally {
    await child.stop();
    await engine.child.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Mode 3: profile

async function profileMode(): Promise<void> {
  const id = flags['profile-variant'] ?? 'auth';
  const variant = allVariants()[id];
  if (!variant) throw new Error(`unknown --profile-variant ${id}; known: ${Object.keys(allVariants()).join(', ')}`);
  const scripts = await buildChildren(['engineStandIn', 'proxyProcess', 'bareProxy', 'expressProxy']);
  const key = createSigningKey('ins_bench');
  const token = mintSessionToken(key, testUsers.alice, { expiresInSeconds: 3600 });
  const dir = join('/tmp', `clerk-camunda-proxy-bench-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const engine = await startEngine(scripts.engineStandIn);
  const store = await startStoreFor([variant]).catch(async (error: unknown) => {
    await engine.child.stop();
    throw error;
  });
  try {
    const nodeFlags = [...PRODUCTION_NODE_FLAGS, '--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200'];
    // The measured window (after warm-up), in the profile's clock: CLOCK_MONOTONIC, like process.hrtime.
    const marks: { loadStart?: bigint; loadEnd?: bigint } = {};
    log(`profiling ${id} (${variant.label}) with --cpu-prof into ${dir}`);
    const { result, child } = await runVariant(id, variant, scripts, engine, key, token, nodeFlags, marks);
    await child.stop(10_000);
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
    process.stdout.write(
      `\nProfiled ${id}: ${fmt(result.rps, 0)} req/s under the profiler, p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms; ` +
        `engine connections opened ${result.engineConnections} for ${result.engineRequests} engine requests\n`,
    );
    printProfileSummary(join(dir, file), {
      requests: result.requests,
      fromMicros: marks.loadStart === undefined ? undefined : Number(marks.loadStart / 1000n),
      toMicros: marks.loadEnd === undefined ? undefined : Number(marks.loadEnd / 1000n),
    });
  } finally {
    await engine.child.stop();
    await store?.stop();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  otlpSink = await startOtlpSink();
  if (flags.tokens) return tokensMode();
  pinSelf(loadCpus);
  if (flags.profile) return profileMode();
  return tableMode();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
