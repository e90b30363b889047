/**
 * A throwaway PostgreSQL cluster: initdb into a temp dir, pg_ctl start on a free loopback port,
 * no system service. Uses Debian's postgresql-15 binaries (apt-get install postgresql).
 *
 * PostgreSQL refuses to run as root; CI runs as root, so there every command runs as `nobody`
 * (runuser) in a temp dir that user owns.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/engine.js';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const UNPRIVILEGED_USER = 'nobody';

export interface RunningPostgres {
  port: number;
  database: string;
  user: string;
  /** jdbc:postgresql://127.0.0.1:PORT/DATABASE */
  jdbcUrl: string;
  dir: string;
  /** psql -c SQL, answers the rows as text (tab-separated, no header). */
  query(sql: string): string;
  /** postgres://USER@127.0.0.1:PORT/DATABASE, for node-postgres. */
  url: string;
  /** Stops the server, keeping its data (a database outage). */
  pause(): void;
  /** Starts it again on the same port, with the same data. */
  resume(): void;
  /** pg_ctl stop -m fast, then removes the cluster's directory. Safe to call twice. */
  stop(): void;
}

const isRoot = process.getuid?.() === 0;

function run(cmd: string, args: string[], what: string): string {
  const [command, argv] = isRoot ? ['runuser', ['-u', UNPRIVILEGED_USER, '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LC_ALL: 'C' } });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

function idOf(flag: '-u' | '-g'): number {
  return Number(spawnSync('id', [flag, UNPRIVILEGED_USER], { encoding: 'utf8' }).stdout.trim());
}

export async function startPostgres(opts: { database?: string; user?: string } = {}): Promise<RunningPostgres> {
  if (!existsSync(join(PG_BIN, 'initdb'))) {
    throw new Error(`PostgreSQL 15 is not installed (${PG_BIN}/initdb missing): apt-get install postgresql`);
  }
  const database = opts.database ?? 'camunda';
  const user = opts.user ?? 'camunda';
  const dir = mkdtempSync(join(tmpdir(), 'topology-pg-'));
  if (isRoot) chownSync(dir, idOf('-u'), idOf('-g'));
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const port = await freePort();

  run(join(PG_BIN, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], 'initdb');
  // Loopback TCP only, no unix socket in a system directory; fsync off: the data is thrown away.
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off -c max_connections=100`;
  try {
    run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-l', log, '-o', serverOptions, '-w', '-t', '60', 'start'], 'pg_ctl start');
  } catch (error) {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${tail}`);
  }
  const psql = (db: string, sql: string) =>
    run(join(PG_BIN, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', db, '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql], 'psql');
  psql('postgres', `CREATE DATABASE ${database}`);

  let stopped = false;
  return {
    port,
    database,
    user,
    jdbcUrl: `jdbc:postgresql://127.0.0.1:${port}/${database}`,
    url: `postgres://${user}@127.0.0.1:${port}/${database}`,
    dir,
    query: (sql) => psql(database, sql),
    pause: () => void run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop'], 'pg_ctl stop'),
    resume: () => void run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-l', log, '-o', serverOptions, '-w', '-t', '60', 'start'], 'pg_ctl start'),
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'], 'pg_ctl stop');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
