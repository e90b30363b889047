import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/engine.js';
import type { DemoSummary } from '../../scripts/demo.js';
import { isAlive, spawnProcess, waitFor, type RunningProcess } from '../support/processes.js';
import { engineUnderTest, onEngine } from '../support/contractHarness.js';

// The demo as a newcomer runs it: its own engine (of this project's flavour), the production server, printed commands.
const runDemo = (env: NodeJS.ProcessEnv, port: number): RunningProcess =>
  spawnProcess(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--json', '--port', String(port)], {
    ...process.env,
    ENGINE_FLAVOUR: engineUnderTest.flavour,
    ...env,
  });

describe(onEngine('npm run demo'), () => {
  let demo: RunningProcess;
  let summary: DemoSummary;

  beforeAll(async () => {
    const enginePort = await freePort();
    demo = runDemo({ ENGINE_URL: `http://127.0.0.1:${enginePort}/engine-rest`, ENGINE_PORT: String(enginePort) }, await freePort());
    const line = await waitFor(async () => demo.output().split('\n').find((text) => text.startsWith('{"proxyUrl"')), 150_000, 'the demo summary');
    summary = JSON.parse(line) as DemoSummary;
  }, 180_000);

  afterAll(() => {
    for (const pid of [summary?.pids.proxy, summary?.pids.engine, demo?.child.pid]) {
      if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it("starts its own engine of ENGINE_FLAVOUR when none answers, and hands out four tokens, one of another organisation's admin", () => {
    expect(summary.engineStartedByDemo).toBe(true);
    expect(summary.engineVersion).toBe(engineUnderTest.version);
    expect(Object.keys(summary.tokens).sort()).toEqual(['admin', 'manager', 'otherAdmin', 'user']);
    expect(summary.docsUrl).toBe(`${summary.proxyUrl}/docs`);
  });

  it("prints commands that work when pasted: list, start, my tasks, complete, and the other organisation's admin sees none of it", () => {
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', summary.script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(JSON.parse(lines[0]!).map((definition: { key: string }) => definition.key)).toEqual(expect.arrayContaining(['order', 'leaveRequest']));
    expect(lines[1]).toMatch(/^started [0-9a-f-]{36}$/);
    expect(JSON.parse(lines[2]!)).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Review order', assignee: summary.users.user })]));
    expect(JSON.parse(lines[3]!)).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), processInstanceId: expect.any(String), completedBy: summary.users.user });
    expect(JSON.parse(lines[4]!)).toEqual([expect.objectContaining({ name: 'Manager approval', assignee: null })]);
    expect(JSON.parse(lines[5]!)).toEqual([]);
  });

  it('stops everything it started on Ctrl-C (SIGINT)', async () => {
    const { demo: demoPid, proxy, engine } = summary.pids;
    expect([demoPid, proxy, engine].every((pid) => pid !== null && isAlive(pid))).toBe(true);
    process.kill(demoPid, 'SIGINT');
    expect(await demo.exited).toBe(0);
    await waitFor(async () => ([proxy, engine].some((pid) => isAlive(pid!)) ? undefined : true), 20_000, 'the demo processes to end');
    expect(isAlive(proxy)).toBe(false);
    expect(isAlive(engine!)).toBe(false);
  }, 30_000);
});

describe(onEngine('npm run demo without Java'), () => {
  it('says what to install and exits non-zero, without a stack trace', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'demo-path-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const enginePort = await freePort();
    const demo = runDemo({ PATH: bin, ENGINE_URL: `http://127.0.0.1:${enginePort}/engine-rest`, ENGINE_PORT: String(enginePort) }, await freePort());
    expect(await demo.exited).toBe(1);
    expect(demo.output()).toMatch(/Java 17\+ .*apt-get install/);
    expect(demo.output()).not.toMatch(/\n\s+at /);
  }, 60_000);
});
