/**
 * A real Camunda 7 engine for tests and local runs, in one of two flavours, each a Spring Boot
 * application with engine-rest and H2 in memory, built with Maven from Maven Central:
 *   camunda   Camunda 7.24 (test/engine), the default
 *   operaton  Operaton, the community fork of Camunda 7 (test/engine/operaton)
 *
 * API (import from tests or global setup):
 *   buildEngine({ flavour })           build the flavour's jar with Maven if stale
 *   startEngine({ flavour, port })     build if needed, start it, wait until /engine-rest/version answers;
 *                                      with { identitySecret } the engine identity plugin checks signed headers;
 *                                      with { organisationTenants } instances take their organisation as tenant
 *   engineFlavourFrom(value)           'camunda' | 'operaton' from ENGINE_FLAVOUR's value (unset: camunda)
 *   ENGINE_FLAVOURS[flavour]           its product name, version, label, Maven folder and jar
 *   freePort()                         a free TCP port on 127.0.0.1
 *   engineAnswers(url, u, p)           true when GET {url}/version answers 200 with those credentials
 *
 * CLI:
 *   npx tsx scripts/engine.ts               build if needed, start on ENGINE_PORT (default 8080),
 *                                           stay in the foreground, stop on Ctrl-C / SIGTERM
 *   ENGINE_FLAVOUR=operaton npx tsx scripts/engine.ts   the same with the Operaton engine
 *   npx tsx scripts/engine.ts --build-only  only build
 *   npx tsx scripts/engine.ts --port 9090   explicit port (wins over ENGINE_PORT)
 *   ENGINE_IDENTITY_SECRET=… npx tsx scripts/engine.ts   with the engine identity plugin on
 *   ENGINE_ORGANISATION_TENANTS=true npx tsx scripts/engine.ts   instances of shared definitions take the
 *                                           stamped organisation as tenant (for INSTANCE_ORG=tenant)
 *
 * Both flavours have one user, demo/demo (HTTP Basic on /engine-rest/*), and deploy the same BPMN
 * fixtures from test/engine/src/main/resources (order, jsonCheck, leaveRequest, invoiceWorker).
 * Each engine depends on its build of the engine identity plugin (engine-identity-plugin/ for Camunda,
 * engine-identity-plugin/operaton/ for Operaton: the same sources on org.operaton.*), which is built,
 * tested and installed into ~/.m2 first.
 * Needs Java 17+ and Maven 3.8+; no npm dependencies (node: built-ins and global fetch only).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The Camunda 7.24 engine's Maven project; its src/main/resources holds the BPMN fixtures both flavours deploy. */
export const ENGINE_DIR = join(REPO_ROOT, 'test', 'engine');
export const ENGINE_TARGET_DIR = join(ENGINE_DIR, 'target');
export const ENGINE_JAR = join(ENGINE_TARGET_DIR, 'camunda-test-engine.jar');
const FIXTURES_DIR = join(ENGINE_DIR, 'src', 'main', 'resources');
/** The engine identity plugin's Maven project (the Camunda build; its src holds the sources of both builds). */
export const IDENTITY_PLUGIN_DIR = join(REPO_ROOT, 'engine-identity-plugin');
/** The plugin's Operaton build: IDENTITY_PLUGIN_DIR's sources with Operaton's package and admin group names. */
export const IDENTITY_PLUGIN_OPERATON_DIR = join(IDENTITY_PLUGIN_DIR, 'operaton');
export const ENGINE_USER = 'demo';
export const ENGINE_PASSWORD = 'demo';
/** Process definition keys deployed by the test engine. */
export const ENGINE_PROCESS_KEYS = ['order', 'jsonCheck', 'leaveRequest', 'invoiceWorker'] as const;

export type EngineFlavour = 'camunda' | 'operaton';

export interface EngineFlavourInfo {
  flavour: EngineFlavour;
  /** The product, as its vendor spells it. */
  product: string;
  /** What GET /engine-rest/version answers. */
  version: string;
  /** Short and lower-case, for test names: 'camunda 7.24'. */
  label: string;
  /** The Maven project. */
  dir: string;
  targetDir: string;
  jar: string;
  /** Files whose change makes the jar stale. */
  sources: string[];
  /** A folder of the local Maven repository that exists once the flavour was built online. */
  localRepoMarker: string[];
  /** The Maven project of the engine identity plugin's build for this engine (installed into ~/.m2 before the engine is built). */
  identityPluginDir: string;
}

function flavourInfo(
  flavour: EngineFlavour,
  product: string,
  version: string,
  dir: string,
  jarName: string,
  localRepoMarker: string[],
  identityPluginDir: string,
): EngineFlavourInfo {
  const targetDir = join(dir, 'target');
  const minor = version.split('.').slice(0, flavour === 'camunda' ? 2 : 3).join('.');
  return {
    flavour,
    product,
    version,
    label: `${flavour} ${minor}`,
    dir,
    targetDir,
    jar: join(targetDir, jarName),
    // Each engine also bundles its build of the engine identity plugin: the plugin's pom and the
    // shared sources make the jar stale too.
    sources: [join(dir, 'pom.xml'), join(dir, 'src'), FIXTURES_DIR, join(identityPluginDir, 'pom.xml'), join(IDENTITY_PLUGIN_DIR, 'src')],
    localRepoMarker,
    identityPluginDir,
  };
}

export const ENGINE_FLAVOURS: Readonly<Record<EngineFlavour, EngineFlavourInfo>> = Object.freeze({
  camunda: flavourInfo('camunda', 'Camunda', '7.24.0', ENGINE_DIR, 'camunda-test-engine.jar', ['org', 'camunda', 'bpm', 'camunda-bom'], IDENTITY_PLUGIN_DIR),
  operaton: flavourInfo(
    'operaton',
    'Operaton',
    '1.0.3',
    join(ENGINE_DIR, 'operaton'),
    'operaton-test-engine.jar',
    ['org', 'operaton', 'bpm', 'operaton-bom'],
    IDENTITY_PLUGIN_OPERATON_DIR,
  ),
});

/** The flavour ENGINE_FLAVOUR names; unset or empty is camunda. Anything else throws, naming the choices. */
export function engineFlavourFrom(value: string | undefined): EngineFlavour {
  if (value === undefined || value === '') return 'camunda';
  if (value === 'camunda' || value === 'operaton') return value;
  throw new Error(`ENGINE_FLAVOUR must be camunda or operaton, not ${JSON.stringify(value)}`);
}

const INSTALL_HINT =
  'Java 17+ and Maven 3.8+ are needed to build the test engine: apt-get install openjdk-17-jdk-headless maven';

/** `java` or `mvn` is missing (or Java is older than 17). The message says what to install. */
export class EngineToolingMissing extends Error {
  constructor(detail: string) {
    super(`${INSTALL_HINT} (${detail})`);
    this.name = 'EngineToolingMissing';
  }
}

/** Maven failed to build the engine jar. `output` holds the tail of Maven's output. */
// No parameter properties in this file: test/contract/contractEngine.ts loads it with Node's own type
// stripping, which only takes erasable syntax.
export class EngineBuildError extends Error {
  readonly output: string;
  constructor(message: string, output: string) {
    super(`${message}\n${output}`);
    this.output = output;
    this.name = 'EngineBuildError';
  }
}

/** The engine process exited or did not answer in time. `logTail` holds the end of its log. */
export class EngineStartError extends Error {
  readonly logFile: string;
  readonly logTail: string;
  constructor(message: string, logFile: string, logTail: string) {
    super(`${message} (log: ${logFile})\n${logTail}`);
    this.logFile = logFile;
    this.logTail = logTail;
    this.name = 'EngineStartError';
  }
}

export interface BuildOptions {
  /** Which engine (default camunda). */
  flavour?: EngineFlavour;
  /** Build even if the jar looks fresh. */
  force?: boolean;
  /** Progress messages (default: none). */
  log?: (message: string) => void;
}

export interface BuildResult {
  jar: string;
  /** false when an up-to-date jar was reused */
  built: boolean;
  /** 'offline' | 'online' when built */
  mode?: 'offline' | 'online';
  ms: number;
}

export interface StartOptions {
  /** Which engine (default camunda). */
  flavour?: EngineFlavour;
  /** TCP port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Credentials used to poll /version (the engine itself only knows demo/demo). */
  user?: string;
  password?: string;
  /** Engine stdout/stderr file; default test/engine/target/engine-PORT.log. */
  log?: string;
  /** Give up after this long (default 180 s). */
  timeoutMs?: number;
  /** Progress messages (default: none). */
  progress?: (message: string) => void;
  /** Extra JVM options, placed before -jar. */
  jvmArgs?: string[];
  /** Extra Spring Boot arguments, e.g. ['--logging.level.root=INFO']. */
  appArgs?: string[];
  /**
   * ENGINE_IDENTITY_SECRET for the engine identity plugin: with it, a request may name its user in
   * a signed X-Engine-Identity header. Without it the engine is BasicAuth only (an inherited
   * ENGINE_IDENTITY_SECRET is not passed on).
   */
  identitySecret?: string;
  /**
   * ENGINE_ORGANISATION_TENANTS=true: the engine plugin's OrganisationTenants gives every instance of a
   * shared definition the organisation the proxy stamped (initiatorOrgId) as its tenant id, for a
   * proxy with INSTANCE_ORG=tenant. Off unless asked for (an inherited setting is not passed on).
   */
  organisationTenants?: boolean;
}

export interface RunningEngine {
  flavour: EngineFlavour;
  /** http://127.0.0.1:PORT/engine-rest */
  url: string;
  port: number;
  pid: number;
  user: string;
  password: string;
  logFile: string;
  /** ms from spawn until /version answered 200 */
  startupMs: number;
  /** Resolves when the JVM exits, for whatever reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, wait for exit, SIGKILL after 10 s. Safe to call twice. */
  stop(): Promise<void>;
}

/** JVM flags that shorten start-up on a small machine without changing behaviour. */
export const DEFAULT_JVM_ARGS = [
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-Xshare:auto',
  '-Xss512k',
  '-Xmx768m',
  '-Dspring.main.lazy-initialization=false',
  '-Dspring.jmx.enabled=false',
  '-Dfile.encoding=UTF-8',
];

// ---------------------------------------------------------------------------------------------
// tooling

function toolVersion(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) return undefined;
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
}

let javaChecked = false;
function requireJava(): void {
  if (javaChecked) return;
  const out = toolVersion('java', ['-version']);
  if (out === undefined) throw new EngineToolingMissing('`java` was not found on PATH');
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
  if (m) {
    const major = m[1] === '1' ? Number(m[2]) : Number(m[1]);
    if (major < 17) throw new EngineToolingMissing(`found Java ${major}`);
  }
  javaChecked = true;
}

function requireMaven(): void {
  if (toolVersion('mvn', ['-v']) === undefined) throw new EngineToolingMissing('`mvn` was not found on PATH');
}

// ---------------------------------------------------------------------------------------------
// build

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** true when the flavour's jar exists and is newer than its pom.xml, its src and the shared BPMN fixtures. */
export function engineJarIsFresh(flavour: EngineFlavour = 'camunda'): boolean {
  const { jar, sources } = ENGINE_FLAVOURS[flavour];
  if (!existsSync(jar)) return false;
  return statSync(jar).mtimeMs > Math.max(...sources.map(newestMtime));
}

function localRepoHas(marker: string[]): boolean {
  const repo = process.env.MAVEN_REPO_LOCAL ?? join(homedir(), '.m2', 'repository');
  return existsSync(join(repo, ...marker));
}

function runMaven(dir: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('mvn', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Cross-process lock so parallel test workers never run two Maven builds in one folder. */
async function withBuildLock<T>(targetDir: string, fn: () => Promise<T>): Promise<T> {
  const LOCK_DIR = join(targetDir, '.build-lock');
  const deadline = Date.now() + 15 * 60_000;
  mkdirSync(targetDir, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
      } catch {
        /* lock just being created or removed */
      }
      const age = (() => {
        try {
          return Date.now() - statSync(LOCK_DIR).mtimeMs;
        } catch {
          return 0;
        }
      })();
      if ((Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) || (Number.isNaN(owner) && age > 10_000)) {
        rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the engine build lock ${LOCK_DIR}`);
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/** Maven may leave an unchanged jar untouched; make sure the next freshness check passes. */
function markFresh(flavour: EngineFlavour): void {
  if (!engineJarIsFresh(flavour)) {
    const now = new Date();
    utimesSync(ENGINE_FLAVOURS[flavour].jar, now, now);
  }
}

/**
 * The flavour's build of the engine identity plugin, with its own tests, into ~/.m2, where the
 * engine's pom finds it (engine-identity-plugin for Camunda, engine-identity-plugin/operaton for Operaton).
 */
async function installIdentityPlugin(flavour: EngineFlavour, log: (message: string) => void): Promise<void> {
  const { identityPluginDir, localRepoMarker, product } = ENGINE_FLAVOURS[flavour];
  log(`building the engine identity plugin for ${product} (maven install)…`);
  if (localRepoHas(localRepoMarker) && (await runMaven(identityPluginDir, ['-q', '-o', '-B', 'install'])).code === 0) return;
  const online = await runMaven(identityPluginDir, ['-q', '-B', 'install']);
  if (online.code !== 0) {
    throw new EngineBuildError(`mvn install failed in ${identityPluginDir} (exit ${online.code})`, online.output.slice(-8_000));
  }
}

const buildsInFlight = new Map<EngineFlavour, Promise<BuildResult>>();

/**
 * Builds the flavour's jar (test/engine/target/camunda-test-engine.jar or
 * test/engine/operaton/target/operaton-test-engine.jar) unless an up-to-date one exists.
 * Tries `mvn -q -o` first when ~/.m2 already has the flavour's BOM, then online `mvn -q -B`.
 * Throws EngineToolingMissing when java or mvn is missing, EngineBuildError when Maven fails.
 */
export async function buildEngine(opts: BuildOptions = {}): Promise<BuildResult> {
  const flavour = opts.flavour ?? 'camunda';
  const { dir, targetDir, jar, localRepoMarker, product } = ENGINE_FLAVOURS[flavour];
  if (!opts.force && engineJarIsFresh(flavour)) return { jar, built: false, ms: 0 };
  const inFlight = buildsInFlight.get(flavour);
  if (inFlight) return inFlight;
  const build = (async () => {
    try {
      return await withBuildLock(targetDir, async () => {
        const t0 = Date.now();
        // another process may have built it while we waited for the lock
        if (!opts.force && engineJarIsFresh(flavour)) return { jar, built: false, ms: 0 };
        requireJava();
        requireMaven();
        const log = opts.log ?? (() => {});
        await installIdentityPlugin(flavour, log);
        if (localRepoHas(localRepoMarker)) {
          log(`building the ${product} test engine (maven, offline)…`);
          const offline = await runMaven(dir, ['-q', '-o', '-B', '-DskipTests', 'package']);
          if (offline.code === 0 && existsSync(jar)) {
            markFresh(flavour);
            return { jar, built: true, mode: 'offline' as const, ms: Date.now() - t0 };
          }
          log('offline build failed, retrying online…');
        } else {
          log(`building the ${product} test engine (maven, downloads dependencies on first run)…`);
        }
        const online = await runMaven(dir, ['-q', '-B', '-DskipTests', 'package']);
        if (online.code !== 0 || !existsSync(jar)) {
          throw new EngineBuildError(`mvn package failed in ${dir} (exit ${online.code})`, online.output.slice(-8_000));
        }
        markFresh(flavour);
        return { jar, built: true, mode: 'online' as const, ms: Date.now() - t0 };
      });
    } finally {
      buildsInFlight.delete(flavour);
    }
  })();
  buildsInFlight.set(flavour, build);
  return build;
}

// ---------------------------------------------------------------------------------------------
// run

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not get a free port'));
        return;
      }
      server.close(() => resolvePromise(address.port));
    });
  });
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** true when GET {url}/version answers 200 with these credentials (url = .../engine-rest). */
export async function engineAnswers(url: string, user = ENGINE_USER, password = ENGINE_PASSWORD): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/version`, {
      headers: { authorization: basicAuth(user, password), accept: 'application/json' },
      signal: AbortSignal.timeout(3_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status === 200;
  } catch {
    return false;
  }
}

function tail(file: string, lines = 60): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolvePromise(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolvePromise(true);
    };
    child.once('exit', onExit);
  });
}

/**
 * Builds if needed, starts the engine on 127.0.0.1:port and resolves once
 * GET /engine-rest/version answers 200 with BasicAuth. Rejects with EngineStartError
 * (carrying the log tail) when the JVM exits early or after timeoutMs (default 180 s).
 */
export async function startEngine(opts: StartOptions = {}): Promise<RunningEngine> {
  const user = opts.user ?? ENGINE_USER;
  const password = opts.password ?? ENGINE_PASSWORD;
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const progress = opts.progress ?? (() => {});
  const flavour = opts.flavour ?? 'camunda';
  const { dir, targetDir, jar, product } = ENGINE_FLAVOURS[flavour];
  await buildEngine({ flavour, log: progress });
  requireJava();

  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}/engine-rest`;
  if (await engineAnswers(url, user, password)) {
    throw new EngineStartError(`something already answers on port ${port}`, '', '');
  }
  mkdirSync(targetDir, { recursive: true });
  const logFile = opts.log ?? join(targetDir, `engine-${port}.log`);
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'w');
  const t0 = Date.now();
  let child: ChildProcess;
  const { ENGINE_IDENTITY_SECRET: _inherited, ENGINE_ORGANISATION_TENANTS: _inheritedTenants, ...inheritedEnv } = process.env;
  const env = {
    ...inheritedEnv,
    ...(opts.identitySecret && { ENGINE_IDENTITY_SECRET: opts.identitySecret }),
    ...(opts.organisationTenants && { ENGINE_ORGANISATION_TENANTS: 'true' }),
  };
  try {
    child = spawn(
      'java',
      [
        ...DEFAULT_JVM_ARGS,
        `-Dtestengine.parent-pid=${process.pid}`,
        ...(opts.jvmArgs ?? []),
        '-jar',
        jar,
        `--server.port=${port}`,
        '--server.address=127.0.0.1',
        ...(opts.appArgs ?? []),
      ],
      { cwd: dir, env, stdio: ['ignore', fd, fd], detached: false },
    );
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('exit', (code, signal) => res({ code, signal }));
  });
  progress(`starting the ${product} test engine on port ${port} (pid ${child.pid}, log ${logFile})…`);

  // Last resort if the caller never calls stop(): kill the JVM when this Node process exits.
  // (The JVM also watches -Dtestengine.parent-pid and exits when we are gone.)
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  let spawnError: Error | undefined;
  child.once('error', (e) => {
    spawnError = e;
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 10_000))) {
          child.kill('SIGKILL');
          await waitForExit(child, 10_000);
        }
      }
      process.off('exit', killOnExit);
    })();
    return stopping;
  };

  for (;;) {
    if (spawnError) {
      await stop();
      if ((spawnError as NodeJS.ErrnoException).code === 'ENOENT') throw new EngineToolingMissing('`java` was not found on PATH');
      throw new EngineStartError(`could not start java: ${spawnError.message}`, logFile, tail(logFile));
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new EngineStartError(
        `the test engine exited during start-up (${child.exitCode !== null ? `exit code ${child.exitCode}` : child.signalCode})`,
        logFile,
        tail(logFile),
      );
    }
    if (await engineAnswers(url, user, password)) break;
    if (Date.now() - t0 > timeoutMs) {
      await stop();
      throw new EngineStartError(`the test engine did not answer ${url}/version within ${timeoutMs} ms`, logFile, tail(logFile));
    }
    await Promise.race([sleep(250), waitForExit(child, 250)]);
  }
  const startupMs = Date.now() - t0;
  progress(`${product} test engine up at ${url} after ${startupMs} ms`);
  return { flavour, url, port, pid: child.pid!, user, password, logFile, startupMs, exited, stop };
}

// ---------------------------------------------------------------------------------------------
// CLI

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(resolve(entry)).href;
  } catch {
    return false;
  }
}

async function main(argv: string[]): Promise<void> {
  const say = (m: string) => console.error(`[engine] ${m}`);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      'usage: npx tsx scripts/engine.ts [--build-only] [--force-build] [--port N]   (ENGINE_PORT, default 8080; ENGINE_FLAVOUR=camunda|operaton, default camunda)',
    );
    return;
  }
  const flavour = engineFlavourFrom(process.env.ENGINE_FLAVOUR);
  const force = argv.includes('--force-build');
  if (argv.includes('--build-only')) {
    const r = await buildEngine({ flavour, force, log: say });
    say(r.built ? `built ${r.jar} (${r.mode}, ${r.ms} ms)` : `up to date: ${r.jar}`);
    return;
  }
  if (force) await buildEngine({ flavour, force, log: say });
  const portArg = argv.indexOf('--port');
  const port = Number(portArg >= 0 ? argv[portArg + 1] : (process.env.ENGINE_PORT ?? 8080));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad port: ${String(port)}`);

  const identitySecret = process.env.ENGINE_IDENTITY_SECRET || undefined;
  const organisationTenants = process.env.ENGINE_ORGANISATION_TENANTS === 'true';
  const engine = await startEngine({ flavour, port, progress: say, identitySecret, organisationTenants });
  console.log(engine.url);
  say(
    `${ENGINE_FLAVOURS[flavour].product} ${ENGINE_FLAVOURS[flavour].version}; user ${engine.user} / password ${engine.password}` +
      `${identitySecret ? '; engine identity plugin on (ENGINE_IDENTITY_SECRET)' : ''}` +
      `${organisationTenants ? '; organisations are tenants of their instances (ENGINE_ORGANISATION_TENANTS)' : ''}; Ctrl-C stops it`,
  );

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say(`${signal}: stopping the engine…`);
    await engine.stop();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));

  // Stay in the foreground (the child process keeps the event loop alive); leave if the JVM dies on its own.
  const { code, signal } = await engine.exited;
  if (!shuttingDown) {
    say(`the engine (pid ${engine.pid}) exited on its own (${code ?? signal}); log tail:\n${tail(engine.logFile, 40)}`);
    process.exit(1);
  }
}

if (isMain()) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
    process.exit(1);
  });
}
