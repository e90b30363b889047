import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const buildDir = join(repoRoot, 'bench', '.build');

/** The Node flags the Dockerfile runs the proxy with, so the bench measures what ships. */
export const PRODUCTION_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

export type ChildEntry = 'engineStandIn' | 'proxyProcess' | 'bareProxy' | 'expressProxy' | 'expressHop' | 'mintTokens';

/**
 * Children run plain JavaScript (no tsx loader, no source-map support, like `node dist/server.js`):
 * each entry is bundled with esbuild from the current src/ with node_modules left external, so the
 * bench always measures the working tree as it is now.
 */
export async function buildChildren(entries: readonly ChildEntry[]): Promise<Record<ChildEntry, string>> {
  await build({
    entryPoints: entries.map((entry) => join(repoRoot, 'bench', `${entry}.ts`)),
    outdir: buildDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node24',
    sourcemap: 'linked',
    keepNames: false,
    logLevel: 'warning',
  });
  return Object.fromEntries(entries.map((entry) => [entry, join(buildDir, `${entry}.mjs`)])) as Record<ChildEntry, string>;
}

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  /** The `ready` message (port etc.). */
  readonly ready: Promise<Record<string, unknown>>;
  /** An IPC request answered by a message of the same type and id. */
  ask<T = Record<string, unknown>>(type: string, extra?: Record<string, unknown>): Promise<T>;
  /** Asks the child to exit cleanly (so --cpu-prof can write), then kills it if it does not. */
  stop(timeoutMs?: number): Promise<number | null>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  /** `taskset -c` CPU list, e.g. "0"; undefined: not pinned. */
  cpus?: string;
  env?: NodeJS.ProcessEnv;
  nodeFlags?: readonly string[];
  /** What to do with the child's stdout: ignore (/dev/null), pipe (drained and counted by us), inherit. */
  stdout?: 'ignore' | 'pipe' | 'inherit';
}

let nextId = 1;

export function spawnChild(name: string, script: string, options: SpawnOptions = {}): Child {
  const node = process.execPath;
  const args = [...(options.nodeFlags ?? []), script];
  const [command, argv] = options.cpus !== undefined ? ['taskset', ['-c', options.cpus, node, ...args]] : [node, args];
  const child = spawn(command, argv, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['ignore', options.stdout ?? 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (message: Record<string, unknown>) => void>();
  let readyResolve!: (message: Record<string, unknown>) => void;
  let readyReject!: (error: Error) => void;
  const ready = new Promise<Record<string, unknown>>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  // Only a rejection someone awaits matters (minters never send `ready`).
  ready.catch(() => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('exit', (code, signal) => {
      readyReject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal})`));
      for (const [, answer] of pending) answer({ type: 'exited' });
      res({ code, signal });
    });
  });
  child.on('error', (error) => readyReject(error));
  child.on('message', (message: Record<string, unknown>) => {
    if (message?.type === 'ready') readyResolve(message);
    const id = message?.id as number | undefined;
    if (id !== undefined && pending.has(id)) {
      pending.get(id)!(message);
      pending.delete(id);
    }
  });
  return {
    name,
    process: child,
    pid: child.pid!,
    ready,
    exited,
    ask<T>(type: string, extra: Record<string, unknown> = {}) {
      const id = nextId++;
      return new Promise<T>((res) => {
        pending.set(id, res as (message: Record<string, unknown>) => void);
        child.send({ type, id, ...extra });
      });
    },
    async stop(timeoutMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      if (child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
