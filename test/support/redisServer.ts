import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../scripts/engine.js';
import { spawnProcess, waitFor, type RunningProcess } from './processes.js';

/**
 * A real Redis (Debian's redis-server, which `npm test` installs where it may: see
 * scripts/prerequisites.ts) on a free loopback port, in memory only: no snapshot, no AOF, its
 * files in a temp dir. `kill()` and `start()` stop it dead and bring it back on the same port;
 * `pause()`/`resume()` make it hang (SIGSTOP) without closing its connections.
 */
export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** Every `redis-server` line so far, for a failing test's message. */
  output(): string;
  /** Starts it again on the same port (empty: nothing is kept across a kill). */
  start(): Promise<void>;
  /** SIGKILL, as a crash: no goodbye to its clients. */
  kill(): Promise<void>;
  pause(): void;
  resume(): void;
  /** A command, e.g. `command('FLUSHALL')`, `command('PTTL', key)`. */
  command(...args: string[]): Promise<unknown>;
  stop(): Promise<void>;
}

export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

export async function startRedisServer(options: { cpus?: string } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fair-use-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'];
  let server: RunningProcess | undefined;
  let log = '';
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  client.on('error', () => undefined);

  const ping = async () => {
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG' ? true : undefined;
    } finally {
      probe.disconnect();
    }
  };
  const start = async () => {
    const [command, argv] = options.cpus ? ['taskset', ['-c', options.cpus, REDIS_SERVER, ...args]] : [REDIS_SERVER, args];
    const started = spawnProcess(command, argv, { PATH: process.env.PATH });
    server = started;
    void started.exited.then(() => (log += started.output()));
    await waitFor(ping, 10_000, `redis-server on port ${port}`).catch((error: Error) => {
      throw new Error(`${error.message}: ${started.output() || 'no output'}`);
    });
  };
  const kill = async () => {
    const running = server;
    server = undefined;
    if (!running || running.child.exitCode !== null) return;
    running.child.kill('SIGKILL');
    await running.exited;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    output: () => log + (server?.output() ?? ''),
    start,
    kill,
    pause: () => server?.child.kill('SIGSTOP'),
    resume: () => server?.child.kill('SIGCONT'),
    async command(...commandArgs) {
      if (client.status === 'wait') await client.connect();
      return client.call(commandArgs[0]!, ...commandArgs.slice(1));
    },
    async stop() {
      client.disconnect();
      server?.child.kill('SIGCONT');
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
