/**
 * The real test engine for a bench (scripts/engine.ts), on H2 in memory or on a throwaway
 * PostgreSQL 15 cluster (test/support/postgres.ts, as the topology test uses it) with the engine's
 * postgres profile. `stop()` stops both.
 */
import { freePort, startEngine, type RunningEngine } from '../../scripts/engine.js';
import { startPostgres, type RunningPostgres } from '../../test/support/postgres.js';

export type BenchDatabase = 'h2' | 'postgres';

export interface BenchEngine {
  engine: RunningEngine;
  /** With `postgres`: the cluster, for EXPLAIN and the like. */
  postgres?: RunningPostgres;
  stop(): Promise<void>;
}

/** `database` as a command line gives it; anything but h2 or postgres throws, naming them. */
export function benchDatabase(value: string | undefined): BenchDatabase {
  if (value === 'h2' || value === 'postgres') return value;
  throw new Error(`--database is h2 or postgres, not ${String(value)}`);
}

export async function startBenchEngine(options: {
  database: BenchDatabase;
  progress: (message: string) => void;
  organisationTenants?: boolean;
  appArgs?: string[];
}): Promise<BenchEngine> {
  let postgres: RunningPostgres | undefined;
  if (options.database === 'postgres') {
    postgres = await startPostgres();
    options.progress(`PostgreSQL 15 at ${postgres.jdbcUrl}`);
    process.env.ENGINE_DB_URL = postgres.jdbcUrl;
    process.env.ENGINE_DB_USER = postgres.user;
  }
  try {
    const engine = await startEngine({
      port: await freePort(),
      progress: options.progress,
      organisationTenants: options.organisationTenants ?? false,
      appArgs: [...(options.appArgs ?? []), ...(postgres ? ['--spring.profiles.active=postgres'] : [])],
      ...(postgres && { timeoutMs: 240_000 }),
    });
    return {
      engine,
      ...(postgres && { postgres }),
      async stop() {
        await engine.stop();
        postgres?.stop();
      },
    };
  } catch (error) {
    postgres?.stop();
    throw error;
  }
}
