import { execFileSync } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/engine.js';
import { DRAIN_QUIET_MS } from '../../src/http/lameDuck.js';
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
    ['a RATE_LIMIT_STORE that is no Redis or Valkey URL', { RATE_LIMIT_STORE: 'http://redis:6379' }, /RATE_LIMIT_STORE must be a redis:\/\/, rediss:\/\/, valkey:\/\/ or valkeys:\/\/ URL/],
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
      // A new connection is refused (fetch would reuse its idle keep-alive one, which is still answered).
      const refused = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => resolve('accepted'));
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
      expect(refused).toBe('ECONNREFUSED');
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


/** What one keep-alive connection of the load saw. */
interface ConnectionLog {
  /** Every complete answer: status, its Connection header, and whether it arrived after the signal. */
  answers: { status: number; connection: string | undefined; afterSignal: boolean }[];
  /** Requests that failed once they were sent on an open connection: the failures a drain must not cause. */
  resets: string[];
}

/**
 * `connections` clients, each on its own keep-alive connection, sending GET /api/processes back to
 * back until the proxy refuses a new connection. A request on a reused connection that fails is a
 * reset, whatever the reason; only a new connection may be refused.
 */
function keepAliveLoad(port: number, token: string, connections: number, signalled: () => boolean): Promise<ConnectionLog[]> {
  const one = async (): Promise<ConnectionLog> => {
    const log: ConnectionLog = { answers: [], resets: [] };
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (;;) {
        const outcome = await new Promise<'answered' | 'refused' | 'reset'>((resolve) => {
          let answered = false;
          const req = httpRequest({ host: '127.0.0.1', port, path: '/api/processes', agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
            answered = true;
            res.resume();
            res.on('end', () => {
              log.answers.push({ status: res.statusCode ?? 0, connection: res.headers.connection, afterSignal: signalled() });
              resolve('answered');
            });
            res.on('error', (error) => {
              log.resets.push(`during the answer: ${error.message}`);
              resolve('reset');
            });
          });
          req.on('error', (error: NodeJS.ErrnoException) => {
            if (answered) return;
            if (error.code === 'ECONNREFUSED') return resolve('refused');
            // With workers, the primary may accept a new connection and then find no worker still
            // listening: a refusal at connect that arrives as a reset of the new connection. Had a
            // worker received the request, the access-log count below would show it.
            if (!req.reusedSocket && error.code === 'ECONNRESET') return resolve('refused');
            log.resets.push(`${req.reusedSocket ? 'reused connection' : 'new connection'}: ${error.code ?? ''} ${error.message}`);
            resolve('reset');
          });
          req.end();
        });
        if (outcome !== 'answered') return log;
      }
    } finally {
      agent.destroy();
    }
  };
  return Promise.all(Array.from({ length: connections }, one));
}

const servedLines = (output: string, route: string) => output.split('\n').filter((line) => line.includes(`"route":"${route}"`));

describe('SIGTERM under steady keep-alive load', () => {
  it.each([
    ['one process', '1'],
    ['two workers', '2'],
  ])('with %s: every request is answered or refused at connect, none is reset, and it exits 0 within DRAIN_TIMEOUT', async (_what, workers) => {
    const port = await freePort();
    const server = startServer({ PORT: String(port), WEB_CONCURRENCY: workers, DRAIN_TIMEOUT: '5', RATE_LIMIT_READS: 'off' });
    try {
      await healthOf(port);
      engine.slow(150); // every request is in flight for a while, and all can finish within the limit
      let signalAt = 0;
      const load = keepAliveLoad(port, mintSessionToken(key, testUsers.alice), 32, () => signalAt > 0);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      signalAt = Date.now();
      process.kill(server.child.pid!, 'SIGTERM');
      const connections = await load;
      expect(await server.exited).toBe(0);
      expect(Date.now() - signalAt).toBeLessThan(5_000);
      const answers = connections.flatMap((c) => c.answers);

      expect(connections.flatMap((c) => c.resets)).toEqual([]);
      expect(answers.length).toBeGreaterThan(32 * 3); // it was under load
      expect(answers.every((a) => a.status === 200)).toBe(true);
      // Each connection's last answer came after the signal and said the connection closes: the
      // client never sent on a connection the proxy was closing.
      for (const connection of connections) {
        const last = connection.answers.at(-1)!;
        expect({ status: last.status, afterSignal: last.afterSignal, connection: last.connection }).toEqual({ status: 200, afterSignal: true, connection: 'close' });
      }
      // Every request the proxy received was answered: its access log has one line per answer the clients got.
      const output = server.output();
      expect(servedLines(output, 'processes.list')).toHaveLength(answers.length);
      expect(output).toMatch(/draining in-flight requests/);
      expect(output).not.toMatch(/drain timed out/);
    } finally {
      engine.reset();
      if (server.child.exitCode === null) process.kill(-server.child.pid!, 'SIGKILL');
    }
  }, 30_000);

  it(`answers a request sent on an idle keep-alive connection soon after the signal, and closes it once idle for ${DRAIN_QUIET_MS} ms`, async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port), DRAIN_TIMEOUT: '5' });
    try {
      await healthOf(port);
      const openIdle = async () => {
        const socket = connect(port, '127.0.0.1');
        let received = '';
        socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
        await waitFor(async () => (received.includes('"engine_url"') ? true : undefined), 5_000, 'the first answer');
        received = '';
        return { socket, received: () => received, closed: new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now()))) };
      };
      const quiet = await openIdle(); // answered, now idle and kept alive
      const busy = await openIdle();

      engine.slow(1_500);
      const inFlight = fetch(`http://127.0.0.1:${port}/api/processes`, { headers: { authorization: `Bearer ${mintSessionToken(key, testUsers.alice)}` } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const signalAt = Date.now();
      process.kill(server.child.pid!, 'SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      busy.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'); // sent on an idle connection after the signal
      const busyClosedAt = await busy.closed;
      expect(busy.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Connection: close\r\n/i);
      expect(busyClosedAt - signalAt).toBeLessThan(DRAIN_QUIET_MS);

      const quietClosedAt = await quiet.closed;
      expect(quietClosedAt - signalAt).toBeGreaterThanOrEqual(DRAIN_QUIET_MS - 50);
      expect(quietClosedAt - signalAt).toBeLessThan(DRAIN_QUIET_MS + 500);
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.headers.get('connection')).toBe('close');
      expect(Date.now() - signalAt).toBeGreaterThan(900);
      expect(await server.exited).toBe(0);
    } finally {
      engine.reset();
      if (server.child.exitCode === null) process.kill(server.child.pid!, 'SIGKILL');
    }
  });

  it('with DRAIN_DELAY: fails readiness at once, answers new connections with Connection: close until the delay ends, then refuses them', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port), DRAIN_DELAY: '1.5', DRAIN_TIMEOUT: '5' });
    try {
      await healthOf(port);
      const signalAt = Date.now();
      process.kill(server.child.pid!, 'SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'draining' });
      expect(ready.headers.get('connection')).toBe('close');
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1_500 - (Date.now() - signalAt)) + 300));
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
      expect(await server.exited).toBe(0);
      expect(Date.now() - signalAt).toBeLessThan(5_000);
    } finally {
      if (server.child.exitCode === null) process.kill(server.child.pid!, 'SIGKILL');
    }
  });

  it('resets only what is left at DRAIN_TIMEOUT, and logs how many', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port), DRAIN_TIMEOUT: '1' });
    try {
      await healthOf(port);
      engine.slow(10_000);
      const token = mintSessionToken(key, testUsers.alice);
      const stuck = [1, 2].map(() => fetch(`http://127.0.0.1:${port}/api/processes`, { headers: { authorization: `Bearer ${token}` } }).then(() => 'answered', () => 'reset'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const signalAt = Date.now();
      process.kill(server.child.pid!, 'SIGTERM');
      expect(await Promise.all(stuck)).toEqual(['reset', 'reset']);
      expect(await server.exited).toBe(0);
      expect(Date.now() - signalAt).toBeGreaterThanOrEqual(900);
      expect(Date.now() - signalAt).toBeLessThan(5_000);
      expect(server.output()).toMatch(/"msg":"drain timed out: reset the requests left".*"resetRequests":2/);
    } finally {
      engine.reset();
      if (server.child.exitCode === null) process.kill(server.child.pid!, 'SIGKILL');
    }
  });
});

describe('slow clients', () => {
  /** A raw connection; resolves with what the server wrote and when it closed. */
  function rawClient(port: number): { socket: Socket; closed: Promise<{ at: number; received: string }> } {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    return { socket, closed: new Promise((resolve) => socket.once('close', () => resolve({ at: Date.now(), received }))) };
  }

  it('a client that trickles its headers is dropped with 408 at HEADERS_TIMEOUT, one trickling its body at REQUEST_TIMEOUT', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port), HEADERS_TIMEOUT: '1', REQUEST_TIMEOUT: '2' });
    try {
      await healthOf(port);
      const startedAt = Date.now();
      const headers = rawClient(port);
      headers.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
      const body = rawClient(port);
      body.socket.write(`POST /api/processes/order/start HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nAuthorization: Bearer ${mintSessionToken(key, testUsers.alice)}\r\n\r\n{`);
      const trickle = setInterval(() => body.socket.write(' '), 200);
      try {
        const [slowHeaders, slowBody] = await Promise.all([headers.closed, body.closed]);
        expect(slowHeaders.received).toMatch(/^HTTP\/1\.1 408/);
        expect(slowHeaders.at - startedAt).toBeLessThan(2_600);
        expect(slowBody.at - startedAt).toBeGreaterThanOrEqual(1_900);
        expect(slowBody.at - startedAt).toBeLessThan(3_600);
      } finally {
        clearInterval(trickle);
      }
      expect(engine.requests.filter((r) => r.url.includes('/start'))).toHaveLength(0);
    } finally {
      process.kill(server.child.pid!, 'SIGKILL');
    }
  });

  it('MAX_CONNECTIONS caps open client connections: one more is closed at once', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port), MAX_CONNECTIONS: '2' });
    try {
      await healthOf(port);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const held = [rawClient(port), rawClient(port)];
      await Promise.all(held.map(({ socket }) => new Promise((resolve) => socket.once('connect', resolve))));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const extra = rawClient(port);
      extra.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      expect((await extra.closed).received).toBe('');
      for (const { socket } of held) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const answer = await fetch(`http://127.0.0.1:${port}/health`, { headers: { connection: 'close' } });
      expect(answer.status).toBe(200);
      expect(server.output()).not.toMatch(/at .*\.js:\d+/);
    } finally {
      process.kill(server.child.pid!, 'SIGKILL');
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
