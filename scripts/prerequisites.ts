/**
 * The tools `npm test`, `npm run demo` and `npm run test:topology` need besides node_modules,
 * checked before anything runs.
 *
 *   tsx scripts/prerequisites.ts test|demo|topology
 *
 * On a Debian-like machine where it may install (root, apt-get on PATH) it installs what is
 * missing, one line per package; elsewhere it stops with one message naming each missing tool
 * and the command that installs it. PREREQUISITES_INSTALL=never turns installing off.
 *
 * A new tool is one entry in `prerequisites`.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export type Purpose = 'test' | 'demo' | 'topology';

export interface Prerequisite {
  /** What a person calls it, e.g. "Maven 3.8+". */
  name: string;
  /** The command or path that must work, e.g. "mvn". */
  command: string;
  /** The Debian package that provides it. */
  aptPackage: string;
  /** Which npm commands need it. */
  neededBy: readonly Purpose[];
  /** Why, for the install line. */
  why: string;
  /** Undefined when the tool is usable, else what is wrong ("not found on PATH", "found 3.6.3"). */
  problem(env: NodeJS.ProcessEnv): string | undefined;
}

/** stdout+stderr of a command found on env.PATH, or undefined when it cannot run. */
function outputOf(command: string, args: string[], env: NodeJS.ProcessEnv): string | undefined {
  const run = spawnSync(command, args, { env, encoding: 'utf8', timeout: 30_000 });
  if (run.error || run.status !== 0) return undefined;
  return `${run.stdout}${run.stderr}`;
}

/** "not found on PATH", "found <version>" below the minimum, or undefined when new enough. */
function versionProblem(output: string | undefined, pattern: RegExp, minimum: readonly number[]): string | undefined {
  if (output === undefined) return 'not found on PATH';
  const found = pattern.exec(output)?.[1];
  if (found === undefined) return undefined; // an unknown version format: let the suite speak for itself
  let version = found.split('.').map(Number);
  if (version[0] === 1 && version.length > 1) version = version.slice(1); // Java 1.8 is Java 8
  for (const [index, wanted] of minimum.entries()) {
    const part = version[index] ?? 0;
    if (part > wanted) return undefined;
    if (part < wanted) return `found ${found}`;
  }
  return undefined;
}

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export const chromiumPath = (env: NodeJS.ProcessEnv) => env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const prerequisites: readonly Prerequisite[] = [
  {
    name: 'Java 17+',
    command: 'java',
    aptPackage: 'openjdk-17-jdk-headless',
    neededBy: ['test', 'demo', 'topology'],
    why: 'runs the real Camunda engine',
    problem: (env) => versionProblem(outputOf('java', ['-version'], env), /version "(\d+(?:\.\d+)*)/, [17]),
  },
  {
    name: 'Maven 3.8+',
    command: 'mvn',
    aptPackage: 'maven',
    neededBy: ['test', 'demo', 'topology'],
    why: 'builds the real Camunda engine',
    problem: (env) => versionProblem(outputOf('mvn', ['-v'], env), /Apache Maven (\d+(?:\.\d+)*)/, [3, 8]),
  },
  {
    name: 'Chromium',
    command: '/usr/bin/chromium',
    aptPackage: 'chromium',
    neededBy: ['test'],
    why: 'the browser tests (never a downloaded browser)',
    problem: (env) => (executable(chromiumPath(env)) ? undefined : `${chromiumPath(env)} not found`),
  },
  {
    name: 'curl',
    command: 'curl',
    aptPackage: 'curl',
    neededBy: ['test'],
    why: "the demo test runs the demo's printed curl commands",
    problem: (env) => (outputOf('curl', ['--version'], env) === undefined ? 'not found on PATH' : undefined),
  },
  {
    name: 'Redis',
    command: 'redis-server',
    aptPackage: 'redis-server',
    neededBy: ['test'],
    why: 'the shared rate-limit store the fair-use tests run proxy replicas against',
    // REDIS_SERVER, when set, is the one the tests start (test/support/redisServer.ts).
    problem: (env) => {
      if (env.REDIS_SERVER) return executable(env.REDIS_SERVER) ? undefined : `${env.REDIS_SERVER} (REDIS_SERVER) not found`;
      return onPath('redis-server', env) ? undefined : 'not found on PATH';
    },
  },
  {
    name: 'PostgreSQL 15',
    command: '/usr/lib/postgresql/15/bin/initdb',
    aptPackage: 'postgresql',
    neededBy: ['test', 'topology'],
    why: 'the database the two engine nodes share, and the audit trail store',
    problem: () => (executable('/usr/lib/postgresql/15/bin/initdb') ? undefined : 'not found'),
  },
  {
    name: 'nginx',
    command: 'nginx',
    aptPackage: 'nginx-light',
    neededBy: ['topology'],
    why: 'the load balancer in front of the proxies and of the engine nodes',
    // NGINX_BIN, when set, is the one the topology test starts (test/support/nginx.ts).
    problem: (env) => {
      if (env.NGINX_BIN) return executable(env.NGINX_BIN) ? undefined : `${env.NGINX_BIN} (NGINX_BIN) not found`;
      return onPath('nginx', env) || executable('/usr/sbin/nginx') ? undefined : 'not found';
    },
  },
];

const onPath = (command: string, env: NodeJS.ProcessEnv): boolean =>
  (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, command)));

const isRoot = () => process.getuid?.() === 0;

/** The exact command that installs these packages on this machine. */
export const installCommand = (packages: readonly string[], root = isRoot()) => `${root ? '' : 'sudo '}apt-get install -y ${packages.join(' ')}`;

export interface CheckResult {
  ok: boolean;
  /** What to print (stderr), one line each. */
  lines: string[];
}

type Missing = { prerequisite: Prerequisite; problem: string };

const missingFor = (purpose: Purpose, env: NodeJS.ProcessEnv, list: readonly Prerequisite[]): Missing[] =>
  list
    .filter((prerequisite) => prerequisite.neededBy.includes(purpose))
    .map((prerequisite) => ({ prerequisite, problem: prerequisite.problem(env) }))
    .filter((entry): entry is Missing => entry.problem !== undefined);

function apt(args: string[], env: NodeJS.ProcessEnv): { ok: boolean; output: string } {
  const run = spawnSync('apt-get', args, { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8' });
  return { ok: !run.error && run.status === 0, output: `${run.stdout ?? ''}${run.stderr ?? ''}`.trim() };
}

/**
 * Checks (and where allowed installs) what `purpose` needs. Never throws for a missing tool:
 * the result says what to print and whether to go on.
 */
export function ensurePrerequisites(
  purpose: Purpose,
  env: NodeJS.ProcessEnv = process.env,
  { list = prerequisites, root = isRoot() }: { list?: readonly Prerequisite[]; root?: boolean } = {},
): CheckResult {
  const lines: string[] = [];
  let missing = missingFor(purpose, env, list);
  const mayInstall = env.PREREQUISITES_INSTALL !== 'never' && root && onPath('apt-get', env);
  if (missing.length > 0 && mayInstall) {
    const update = apt(['update', '-qq'], env);
    if (!update.ok) lines.push(`prerequisites: apt-get update failed: ${update.output.split('\n').slice(-3).join(' ')}`);
    for (const { prerequisite } of missing) {
      lines.push(`prerequisites: installing ${prerequisite.aptPackage} (${prerequisite.name}: ${prerequisite.why})`);
      const install = apt(['install', '-y', '-qq', '--no-install-recommends', prerequisite.aptPackage], env);
      if (!install.ok) lines.push(`prerequisites: apt-get install ${prerequisite.aptPackage} failed: ${install.output.split('\n').slice(-3).join(' ')}`);
    }
    missing = missingFor(purpose, env, list);
  }
  if (missing.length === 0) return { ok: true, lines };
  lines.push(
    `\`npm ${purpose === 'test' ? 'test' : `run ${purpose === 'demo' ? 'demo' : 'test:topology'}`}\` needs tools this machine lacks:`,
    ...missing.map(({ prerequisite, problem }) => `  - ${prerequisite.name} (${prerequisite.command}): ${problem}; install: ${installCommand([prerequisite.aptPackage], root)}`),
    `Install them all with: ${installCommand(missing.map(({ prerequisite }) => prerequisite.aptPackage), root)}`,
  );
  if (env.PREREQUISITES_INSTALL === 'never') lines.push('(installing is off: PREREQUISITES_INSTALL=never)');
  else if (!mayInstall) lines.push('(run as root where apt-get is available and it installs them itself)');
  return { ok: false, lines };
}

function main(argv: string[]): void {
  const purpose: Purpose = argv[0] === 'demo' || argv[0] === 'topology' ? argv[0] : 'test';
  const result = ensurePrerequisites(purpose);
  for (const line of result.lines) process.stderr.write(`${line}\n`);
  process.exitCode = result.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main(process.argv.slice(2));
