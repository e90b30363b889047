import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../scripts/engine.js';
import type { DemoSummary } from '../../scripts/demo.js';
import { isAlive, spawnProcess, waitFor, type RunningProcess } from '../support/processes.js';
import { onEngine } from '../support/contractHarness.js';

// The client as a frontend gets it: `npm pack`, installed into a fresh project that has nothing but
// TypeScript, compiled by tsc, and run against the demo's proxy in front of the real engine.
const root = resolve('.');
const clientDir = join(root, 'packages', 'client');
const clientManifest = JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8')) as { name: string; dependencies?: object };
const typescriptVersion = (JSON.parse(readFileSync(join(root, 'node_modules', 'typescript', 'package.json'), 'utf8')) as { version: string }).version;

/** npm as a user runs it: none of the npm_* settings of the `npm test` around us. */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, env: userEnv, encoding: 'utf8', timeout: 240_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function sizeOf(path: string): number {
  const stat = statSync(path);
  return stat.isDirectory() ? readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0) : stat.size;
}

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

interface Seen {
  user: string;
  processKeys: string[];
  order: string;
  startFormKeys: string[];
  started: { id: string; businessKey: string };
  instanceIds: string[];
  instance: string;
  variables: Record<string, string>;
  task: { id: string; name: string; assignee: string; read: string; formKeys: string[] };
  claimed: { id: string; assignee: string | null };
  completed: { id: string; processInstanceId: string; completedBy: string };
  tasksAfter: string[];
  unclaimed: { id: string; assignee: string | null };
  secondAfterUnclaim: string[];
  instancePage: {
    xmlId: string;
    hasXml: boolean;
    activityOf: string;
    historyTypes: string[];
    suspended: unknown;
    activated: unknown;
    deleted: unknown;
  };
  statistics: Record<string, number>;
  errors: Record<'unknownTask' | 'noToken' | 'noProxy' | 'deployAsMember' | 'auditAsMember', { typed: boolean; status: number; envelope?: { error: string; detail: string; requestId: string } }>;
}

describe(onEngine('the client package, installed as a user would'), () => {
  let work: string;
  let app: string;
  let packed: Packed;
  let demo: RunningProcess;
  let summary: DemoSummary;
  let seen: Seen;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'client-package-'));
    app = join(work, 'app');
    mkdirSync(app);
    demo = spawnProcess(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--json', '--port', String(await freePort())], {
      ...process.env,
      ENGINE_URL: process.env.ENGINE_TEST_URL,
    });
    const line = await waitFor(async () => demo.output().split('\n').find((text) => text.startsWith('{"proxyUrl"')), 150_000, 'the demo summary');
    summary = JSON.parse(line) as DemoSummary;

    // `npm pack` runs the package's prepare script, which builds dist/.
    [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], clientDir)) as [Packed];
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `typescript@${typescriptVersion}`, join(work, packed.filename)], app);

    copyFileSync(join(root, 'test', 'contract', 'clientPackage', 'consumer.ts'), join(app, 'consumer.ts'));
    // The Next.js example compiles against the installed package too (its framework modules stubbed).
    mkdirSync(join(app, 'lib'));
    copyFileSync(join(root, 'examples', 'nextjs', 'lib', 'camunda-api.ts'), join(app, 'lib', 'camunda-api.ts'));
    writeFileSync(
      join(app, 'next-stubs.d.ts'),
      `declare module '@clerk/nextjs' { export function useAuth(): { getToken(): Promise<string | null> }; }
declare module 'react' { export function useMemo<T>(make: () => T, deps: unknown[]): T; }
declare const process: { env: Record<string, string | undefined> };
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], strict: true, types: [], skipLibCheck: false },
        files: ['consumer.ts', 'lib/camunda-api.ts', 'next-stubs.d.ts'],
      }),
    );
    run(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], app);
    seen = JSON.parse(run(process.execPath, ['consumer.js', summary.proxyUrl, summary.tokens.user], app).trim()) as Seen;
  }, 300_000);

  afterAll(() => {
    for (const pid of [summary?.pids.proxy, demo?.child.pid]) if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs only the built dist/ with its types, and has no runtime dependencies', () => {
    const files = packed.files.map((file) => file.path).sort();
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/contract.js', 'dist/contract.d.ts']));
    expect(files.filter((file) => !['package.json', 'README.md'].includes(file) && !file.startsWith('dist/'))).toEqual([]);
    expect(clientManifest.dependencies).toBeUndefined();
  });

  it('installs nothing but itself: no express, no @clerk, and a few kilobytes', () => {
    const installed = readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(installed.sort()).toEqual(['@clerk-camunda-proxy', 'typescript']);
    expect(readdirSync(join(app, 'node_modules', '@clerk-camunda-proxy'))).toEqual(['client']);
    const size = sizeOf(join(app, 'node_modules', clientManifest.name));
    expect(size).toBe(packed.unpackedSize);
    expect(size).toBeLessThan(64 * 1024);
  });

  it('lists, reads and starts processes against the demo proxy and the real engine', () => {
    expect(summary.engineStartedByDemo).toBe(false);
    expect(seen.user).toBe(summary.users.user);
    expect(seen.processKeys).toEqual(expect.arrayContaining(['order', 'leaveRequest']));
    expect(seen.order).toBe('order');
    expect(seen.startFormKeys).toEqual(expect.arrayContaining(['customerName', 'amount']));
    expect(seen.started.businessKey).toMatch(/^package-\d+$/);
    expect(seen.instanceIds).toEqual([seen.started.id]);
    expect(seen.instance).toBe(seen.started.id);
    expect(seen.variables).toMatchObject({ customerName: 'String', amount: 'Integer', due: 'Date', initiator: 'String' });
  });

  it('reads, claims and completes the initiator task, and unclaims another so that it leaves their list', () => {
    expect(seen.task).toMatchObject({ name: 'Review order', assignee: summary.users.user, read: seen.task.id });
    expect(seen.task.formKeys).toContain('approved');
    // Actions answer what they did (the earlier system's clients call response.json() on every 2xx).
    expect(seen.claimed).toEqual({ id: seen.task.id, assignee: summary.users.user });
    expect(seen.completed).toEqual({ id: seen.task.id, processInstanceId: seen.started.id, completedBy: summary.users.user });
    expect(seen.tasksAfter).toEqual([]);
    expect(seen.unclaimed).toMatchObject({ assignee: null });
    expect(seen.secondAfterUnclaim).toEqual([]);
  });

  it('serves the instance page and the dashboard through the package', () => {
    const { instancePage } = seen;
    expect(instancePage.hasXml).toBe(true);
    expect(instancePage.historyTypes).toEqual(expect.arrayContaining(['startEvent', 'userTask']));
    expect(instancePage.suspended).toEqual({ id: instancePage.activityOf, suspended: true });
    expect(instancePage.activated).toEqual({ id: instancePage.activityOf, suspended: false });
    expect(instancePage.deleted).toMatchObject({ id: instancePage.activityOf, deleted: true });
    expect(seen.statistics).toEqual({ totalProcesses: expect.any(Number), activeInstances: expect.any(Number), completedInstances: expect.any(Number), activeTasks: expect.any(Number) });
    expect(seen.statistics.completedInstances).toBeGreaterThanOrEqual(0);
    expect(seen.errors.deployAsMember).toMatchObject({ typed: true, status: 403, envelope: { error: 'forbidden' } });
    expect(seen.errors.auditAsMember).toMatchObject({ typed: true, status: 403, envelope: { error: 'forbidden', detail: expect.stringContaining('audit') } });
  });

  it('reads failures as CamundaProxyError: 404 from the engine, 401 without a token, status 0 without a proxy', () => {
    expect(seen.errors.unknownTask).toMatchObject({ typed: true, status: 404, envelope: { error: 'not_found', requestId: expect.any(String) } });
    expect(seen.errors.noToken).toMatchObject({ typed: true, status: 401, envelope: { error: 'unauthenticated' } });
    expect(seen.errors.noProxy).toMatchObject({ typed: true, status: 0, envelope: { error: 'network_error' } });
  });

  it('calls every method of the installed client', () => {
    const consumer = readFileSync(join(app, 'consumer.ts'), 'utf8');
    const called = new Set([...consumer.matchAll(/\bcamunda\.(\w+)\(/g)].map((match) => match[1]));
    const script = `import { createCamundaClient } from '${clientManifest.name}';
      console.log(JSON.stringify(Object.keys(createCamundaClient({ baseUrl: 'http://x.invalid', getToken: () => null }))));`;
    const methods = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], app)) as string[];
    expect(methods.length).toBeGreaterThan(0);
    expect(methods.filter((method) => !called.has(method))).toEqual([]);
  });
});
