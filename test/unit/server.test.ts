import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/engine.js';
import { createSigningKey, TEST_PUBLISHABLE_KEY } from '../support/clerkTokens.js';
import { startEngineStandIn, type EngineStandIn } from '../support/engineStandIn.js';
import { mintSessionToken, testUsers } from '../support/clerkTokens.js';
import { spawnProcess, waitFor } from '../support/processes.js';

// `npm start` runs the built server, so these tests build it once, exactly as a deployment would.
const key = createSigningKey();
let engine: EngineStandIn;

beforeAll(async () => {
  execFileSync('npm', ['run', 'build'], { stdio: 'pipe' });
  engine = await startEngineStandIn();
}, 120_000);
afterAll(() => engine.stop());

function serverEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { PATH, HOME } = process.env;
  return { PATH, HOME, CLERK_JWT_KEY: key.publicKeyPem, CLERK_PUBLISHABLE_KEY: TEST_PUBLISHABLE_KEY, ENGINE_URL: engine.url, LOG_LEVEL: 'info', ...extra };
}

const startServer = (extra: NodeJS.ProcessEnv) => spawnProcess(process.execPath, ['dist/server.js'], serverEnv(extra));
const healthOf = (port: number) => waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined), 15_000, 'the server');

describe('start-up', () => {
  it('builds to dist/server.js, which `npm start` runs', () => {
    expect(existsSync('dist/server.js')).toBe(true);
  });

  it('contains no token-signing code: the server can verify tokens, never mint them', () => {
    const files = readdirSync('dist', { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
    expect(files).toContain('server.js');
    for (const file of files) {
      const code = readFileSync(join('dist', file), 'utf8');
      expect({ file, signing: /\bcrypto\.sign\b|\bcreateSign\b|\bsign\(|privateKey|createPrivateKey|generateKeyPair/.exec(code)?.[0] }).toEqual({ file, signing: undefined });
    }
  });

  it('`npm start` serves on PORT and answers on 127.0.0.1 with HOST left at its default', async () => {
    const port = await freePort();
    const server = spawnProcess('npm', ['start'], serverEnv({ PORT: String(port) }));
    try {
      await healthOf(port);
      expect(server.output()).toContain('"host":"0.0.0.0"');
    } finally {
      process.kill(-server.child.pid!, 'SIGKILL');
    }
  });

  it.each([
    ['no Clerk key source', { CLERK_JWT_KEY: '' }, /CLERK_JWT_KEY/],
    ['a malformed PEM', { CLERK_JWT_KEY: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----' }, /CLERK_JWT_KEY/],
    ['an invalid ENGINE_URL', { ENGINE_URL: 'not a url' }, /ENGINE_URL/],
    ['an invalid CLERK_JWKS_URL', { CLERK_JWKS_URL: 'ftp://x' }, /CLERK_JWKS_URL/],
    ['a missing route map', { ROUTES_CONFIG: '/nonexistent/routes.json' }, /ROUTES_CONFIG/],
  ])('exits non-zero at start with %s, naming the variable', async (_name, extra, named) => {
    const server = startServer({ PORT: String(await freePort()), ...extra });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(named);
    expect(server.output()).not.toMatch(/at .*\.js:\d+/); // a message, not a stack trace
  });

  it('exits non-zero with a route map that fails its schema', async () => {
    const path = join(tmpdir(), `routes-${process.pid}.json`);
    writeFileSync(path, JSON.stringify({ routes: [{ method: 'GET', path: '/api/x', engine: '/x/:id' }] }));
    const server = startServer({ PORT: String(await freePort()), ROUTES_CONFIG: path });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/:id/);
  });
});

describe('SIGTERM', () => {
  it('lets an in-flight request finish, stops accepting, and exits 0', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port) });
    try {
      await healthOf(port);
      engine.slow(1_000);
      const token = mintSessionToken(key, testUsers.alice);
      const inFlight = fetch(`http://127.0.0.1:${port}/api/processes`, { headers: { authorization: `Bearer ${token}` } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      process.kill(server.child.pid!, 'SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(await server.exited).toBe(0);
      expect(server.output()).toMatch(/drain/);
    } finally {
      engine.reset();
      if (server.child.exitCode === null) process.kill(server.child.pid!, 'SIGKILL');
    }
  });
});

describe('the access log', () => {
  it('has one JSON line per request with route id, status and user, and never the token', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port) });
    try {
      await healthOf(port);
      const token = mintSessionToken(key, testUsers.alice);
      await fetch(`http://127.0.0.1:${port}/api/processes?token=${token}`, { headers: { authorization: `Bearer ${token}` } });
      const line = await waitFor(async () => server.output().split('\n').find((l) => l.includes('"route":"processes.list"')), 5_000, 'the log line');
      expect(JSON.parse(line)).toMatchObject({ method: 'GET', path: '/api/processes', route: 'processes.list', status: 200, userId: testUsers.alice.id, engineStatus: 200 });
      expect(server.output()).not.toContain(token.split('.')[2]);
      expect(server.output()).not.toContain(Buffer.from('demo:demo').toString('base64'));
    } finally {
      process.kill(server.child.pid!, 'SIGKILL');
    }
  });
});

describe('WEB_CONCURRENCY', () => {
  it('runs two workers that both serve requests, with metrics gathered from both', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port), WEB_CONCURRENCY: '2' });
    try {
      await healthOf(port);
      const token = mintSessionToken(key, testUsers.alice);
      const seen = new Set<number>();
      for (let i = 0; i < 40 && seen.size < 2; i += 1) {
        // A new connection each time, so the primary hands it to the next worker.
        await fetch(`http://127.0.0.1:${port}/api/processes`, { headers: { authorization: `Bearer ${token}`, connection: 'close' } });
        await new Promise((resolve) => setTimeout(resolve, 20));
        for (const line of server.output().split('\n')) {
          if (line.includes('"route":"processes.list"')) seen.add((JSON.parse(line) as { pid: number }).pid);
        }
      }
      expect(seen.size).toBe(2);
      expect(seen.has(server.child.pid!)).toBe(false);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const served = /proxy_http_request_duration_seconds_count\{route="processes\.list",method="GET",status="200"\} (\d+)/.exec(metrics);
      expect(Number(served?.[1])).toBeGreaterThanOrEqual(2);
      process.kill(server.child.pid!, 'SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      if (server.child.exitCode === null) process.kill(-server.child.pid!, 'SIGKILL');
    }
  });
});
