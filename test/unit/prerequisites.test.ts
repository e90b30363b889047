import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ensurePrerequisites, prerequisites } from '../../scripts/prerequisites.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A PATH of one folder that links every command this machine has, except `missing`. */
function pathWithout(...missing: string[]): string {
  const bin = mkdtempSync(join(tmpdir(), 'prerequisites-path-'));
  made.push(bin);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || !existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (missing.includes(name) || existsSync(join(bin, name))) continue;
      symlinkSync(join(dir, name), join(bin, name));
    }
  }
  return bin;
}

/** The check as `npm test` runs it (its pretest script), in a child process with this environment. */
function runCheck(env: NodeJS.ProcessEnv, purpose = 'test') {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/prerequisites.ts', purpose], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

const maven = prerequisites.find((tool) => tool.command === 'mvn')!;
const curl = prerequisites.find((tool) => tool.command === 'curl')!;

describe('the prerequisite check before npm test', () => {
  it('passes silently on a machine that has every tool', () => {
    const run = runCheck({ PREREQUISITES_INSTALL: 'never' });
    expect(run).toEqual({ status: 0, stderr: '', stdout: '' });
  });

  it('stops with the missing tool and its install command when installing is off, without a stack trace', () => {
    const run = runCheck({ PATH: pathWithout('mvn'), PREREQUISITES_INSTALL: 'never' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('`npm test` needs tools this machine lacks');
    expect(run.stderr).toMatch(/- Maven 3\.8\+ \(mvn\): not found on PATH; install: (sudo )?apt-get install -y maven\n/);
    expect(run.stderr).not.toMatch(/Java|Chromium|curl/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("names Debian's redis-server, which the shared rate-limit tests start", () => {
    const run = runCheck({ PATH: pathWithout('redis-server'), PREREQUISITES_INSTALL: 'never' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/- Redis \(redis-server\): not found on PATH; install: (sudo )?apt-get install -y redis-server\n/);
  });

  it('names every missing tool and one command that installs them all', () => {
    const run = runCheck({ PATH: pathWithout('mvn', 'curl'), PREREQUISITES_INSTALL: 'never' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/- Maven 3\.8\+ \(mvn\): not found on PATH; install: (sudo )?apt-get install -y maven\n/);
    expect(run.stderr).toMatch(/- curl \(curl\): not found on PATH; install: (sudo )?apt-get install -y curl\n/);
    expect(run.stderr).toMatch(/Install them all with: (sudo )?apt-get install -y maven curl\n/);
  });

  it('names a tool that is too old', () => {
    const bin = pathWithout('mvn', 'java');
    writeFileSync(join(bin, 'mvn'), '#!/bin/sh\necho "Apache Maven 3.6.3 (old)"\n');
    writeFileSync(join(bin, 'java'), '#!/bin/sh\necho \'openjdk version "11.0.22" 2024-01-16\' >&2\n');
    chmodSync(join(bin, 'mvn'), 0o755);
    chmodSync(join(bin, 'java'), 0o755);
    const run = runCheck({ PATH: bin, PREREQUISITES_INSTALL: 'never' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('- Maven 3.8+ (mvn): found 3.6.3;');
    expect(run.stderr).toContain('- Java 17+ (java): found 11.0.22; install: ');
  });

  it('checks what npm run test:topology needs: the engine tools, PostgreSQL and nginx', () => {
    const run = runCheck({ NGINX_BIN: '/nonexistent/nginx', PREREQUISITES_INSTALL: 'never' }, 'topology');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('`npm run test:topology` needs tools this machine lacks');
    expect(run.stderr).toMatch(/- nginx \(nginx\): \/nonexistent\/nginx \(NGINX_BIN\) not found; install: (sudo )?apt-get install -y nginx-light\n/);
    expect(prerequisites.filter((tool) => tool.neededBy.includes('topology')).map((tool) => tool.name)).toEqual(['Java 17+', 'Maven 3.8+', 'PostgreSQL 15', 'nginx']);
    // npm test needs PostgreSQL too (the audit store's tests), but not nginx.
    expect(runCheck({ NGINX_BIN: '/nonexistent/nginx', PREREQUISITES_INSTALL: 'never' })).toMatchObject({ status: 0, stderr: '' });
    expect(prerequisites.filter((tool) => tool.neededBy.includes('test')).map((tool) => tool.name)).toContain('PostgreSQL 15');
  });

  it('checks only what the demo needs for npm run demo', () => {
    const run = runCheck({ PATH: pathWithout('curl'), PREREQUISITES_INSTALL: 'never' }, 'demo');
    expect(run).toMatchObject({ status: 0, stderr: '' });
    const withoutMaven = runCheck({ PATH: pathWithout('mvn'), PREREQUISITES_INSTALL: 'never' }, 'demo');
    expect(withoutMaven.status).toBe(1);
    expect(withoutMaven.stderr).toContain('`npm run demo` needs tools this machine lacks');
  });

  it('as root with apt-get, installs each missing package with one line each, then goes on', () => {
    // A stand-in apt-get on a PATH without the real one: it records its arguments and "installs" a Maven.
    const bin = pathWithout('mvn', 'curl', 'apt-get');
    const log = join(bin, 'apt-get.log');
    writeFileSync(
      join(bin, 'apt-get'),
      `#!/bin/sh
echo "$*" >> "${log}"
case "$*" in *maven*) printf '#!/bin/sh\\necho "Apache Maven 3.9.9"\\n' > "${bin}/mvn"; chmod +x "${bin}/mvn";; esac
case "$*" in *curl*) ln -s "$(command -v true)" "${bin}/curl";; esac
`,
    );
    chmodSync(join(bin, 'apt-get'), 0o755);
    const result = ensurePrerequisites('test', { ...process.env, PATH: bin, PREREQUISITES_INSTALL: undefined }, { root: true });
    expect(result).toEqual({
      ok: true,
      lines: [`prerequisites: installing maven (Maven 3.8+: ${maven.why})`, `prerequisites: installing curl (curl: ${curl.why})`],
    });
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      'update -qq',
      'install -y -qq --no-install-recommends maven',
      'install -y -qq --no-install-recommends curl',
    ]);
  });

  it('never installs when PREREQUISITES_INSTALL=never, even as root with apt-get', () => {
    const bin = pathWithout('mvn', 'apt-get');
    const log = join(bin, 'apt-get.log');
    writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho "$*" >> "${log}"\n`);
    chmodSync(join(bin, 'apt-get'), 0o755);
    const result = ensurePrerequisites('test', { ...process.env, PATH: bin, PREREQUISITES_INSTALL: 'never' }, { root: true });
    expect(result.ok).toBe(false);
    expect(result.lines).toContain('(installing is off: PREREQUISITES_INSTALL=never)');
    expect(existsSync(log)).toBe(false);
  });

  it('says how to install, without sudo only for root', () => {
    const env = { ...process.env, PATH: pathWithout('mvn'), PREREQUISITES_INSTALL: 'never' };
    expect(ensurePrerequisites('test', env, { root: false }).lines).toContain('Install them all with: sudo apt-get install -y maven');
    expect(ensurePrerequisites('test', env, { root: true }).lines).toContain('Install them all with: apt-get install -y maven');
  });
});
