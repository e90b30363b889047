import pg from 'pg';
import type { Logger, LogSink } from '../http/log.js';
import type { AuditRecord } from './auditRecord.js';
import type { AuditStore } from './auditStore.js';

/** Records written in one INSERT at most. */
const BATCH = 200;
/** Waits between attempts while the database is unreachable: doubling from the first to the last. */
const RETRY_FIRST_MS = 250;
const RETRY_LAST_MS = 5_000;
/** On shutdown, how long what is queued may take to reach the database. */
const CLOSE_WITHIN_MS = 3_000;

/**
 * The schema, one step per version, applied in order at start under an advisory lock, so that
 * replicas starting together apply each step once.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE proxy_audit (
     id uuid PRIMARY KEY,
     time timestamptz NOT NULL,
     request_id text NOT NULL,
     user_id text,
     org_id text,
     machine_id text,
     route_id text,
     method text NOT NULL,
     path text NOT NULL,
     status integer NOT NULL,
     outcome text NOT NULL,
     object_ids text[] NOT NULL,
     record jsonb NOT NULL
   );
   CREATE INDEX proxy_audit_org_time ON proxy_audit (org_id, time DESC);
   CREATE INDEX proxy_audit_user_time ON proxy_audit (user_id, time DESC);
   CREATE INDEX proxy_audit_objects ON proxy_audit USING gin (object_ids);`,
];

export interface AuditDatabaseCounters {
  /** The queue's length changed. */
  queued(depth: number): void;
  /** A write failed (the records stay queued). */
  failed(): void;
  /** A record did not fit the queue and went to the overflow sink instead. */
  overflowed(): void;
}

export interface PostgresAuditOptions {
  readonly url: string;
  /** Records waiting for the database at most; more go to `overflow`. */
  readonly queueMax: number;
  readonly log: Logger;
  /** Where a record goes that the database cannot take (queue full, or still queued at shutdown). */
  readonly overflow: LogSink;
  readonly counters: AuditDatabaseCounters;
}

export async function migrate(client: pg.ClientBase): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('proxy_audit_migrations'))");
    await client.query('CREATE TABLE IF NOT EXISTS proxy_audit_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM proxy_audit_migrations');
    const at = rows[0]!.version;
    for (let version = at + 1; version <= MIGRATIONS.length; version += 1) {
      await client.query(MIGRATIONS[version - 1]!);
      await client.query('INSERT INTO proxy_audit_migrations (version) VALUES ($1)', [version]);
    }
    await client.query('COMMIT');
    return MIGRATIONS.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

const overflowLine = (record: AuditRecord, reason: string) => `${JSON.stringify({ time: new Date().toISOString(), level: 'warn', msg: 'audit record not stored in the database', reason, record })}\n`;

/**
 * Records go to PostgreSQL from a bounded in-memory queue, in batches, never on the request's
 * path. While the database is unreachable they stay queued and the writer retries with backoff;
 * the outage is logged once and each failed write counted. A record that does not fit the queue,
 * or is still queued when the process stops, is written whole to the overflow sink (the log
 * stream) and counted: it is never dropped silently. Only a crash of the process loses what is queued.
 */
export function postgresAuditStore(options: PostgresAuditOptions): AuditStore & { ready: Promise<void> } {
  const { log, counters } = options;
  const pool = new pg.Pool({ connectionString: options.url, max: 2, connectionTimeoutMillis: 2_000, query_timeout: 10_000, statement_timeout: 10_000 });
  // An idle client's connection dropping (a database restart) is an error event, not a crash.
  pool.on('error', () => undefined);
  const queue: AuditRecord[] = [];
  let migrated = false;
  let writing = false;
  let outageSince: number | undefined;
  let retryMs = RETRY_FIRST_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  let closing = false;

  const ensureSchema = async () => {
    if (migrated) return;
    const client = await pool.connect();
    try {
      await migrate(client);
      migrated = true;
    } finally {
      client.release();
    }
  };

  const insert = async (batch: readonly AuditRecord[]) => {
    await pool.query(
      `INSERT INTO proxy_audit (id, time, request_id, user_id, org_id, machine_id, route_id, method, path, status, outcome, object_ids, record)
       SELECT r.id, r.time, r.request_id, r.user_id, r.org_id, r.machine_id, r.route_id, r.method, r.path, r.status, r.outcome,
              ARRAY(SELECT jsonb_array_elements_text(r.object_ids)), r.record
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, time timestamptz, request_id text, user_id text, org_id text, machine_id text,
            route_id text, method text, path text, status integer, outcome text, object_ids jsonb, record jsonb)
       ON CONFLICT (id) DO NOTHING`,
      [
        JSON.stringify(
          batch.map((record) => ({
            id: record.id,
            time: record.time,
            request_id: record.requestId,
            user_id: record.userId,
            org_id: record.orgId,
            machine_id: record.machineId,
            route_id: record.routeId,
            method: record.method,
            path: record.path,
            status: record.status,
            outcome: record.outcome,
            object_ids: Object.values(record.objects),
            record,
          })),
        ),
      ],
    );
  };

  const write = async (): Promise<void> => {
    if (writing || queue.length === 0) return;
    writing = true;
    try {
      await ensureSchema();
      while (queue.length > 0) {
        const batch = queue.slice(0, BATCH);
        await insert(batch);
        queue.splice(0, batch.length);
        counters.queued(queue.length);
      }
      if (outageSince !== undefined) {
        log.info('audit database reachable again: queued records written', { outageMs: Date.now() - outageSince });
        outageSince = undefined;
      }
      retryMs = RETRY_FIRST_MS;
    } catch (error) {
      counters.failed();
      if (outageSince === undefined) {
        outageSince = Date.now();
        log.warn('audit database unreachable: records are queued and retried', { queued: queue.length, reason: (error as Error).message });
      }
      if (!closing) {
        retryTimer = setTimeout(() => void write(), retryMs);
        retryTimer.unref();
        retryMs = Math.min(retryMs * 2, RETRY_LAST_MS);
      }
    } finally {
      writing = false;
    }
    // Records that arrived while the last batch was written.
    if (outageSince === undefined && queue.length > 0 && !closing) void write();
  };

  const ready = ensureSchema().catch((error: unknown) => {
    // Not fatal: the writer applies the schema once the database answers.
    log.warn('audit database not reachable at start: records are queued until it is', { reason: (error as Error).message });
  });

  return {
    ready,
    add(record) {
      if (queue.length >= options.queueMax) {
        counters.overflowed();
        options.overflow.write(overflowLine(record, 'the audit queue is full'));
        return;
      }
      queue.push(record);
      counters.queued(queue.length);
      if (outageSince === undefined) void write();
    },
    async find(query) {
      await ensureSchema();
      const { rows } = await pool.query<{ record: AuditRecord }>(
        `SELECT record FROM proxy_audit
         WHERE ($1::text IS NULL OR org_id = $1) AND ($2::text IS NULL OR user_id = $2) AND ($3::text IS NULL OR object_ids @> ARRAY[$3::text])
           AND ($4::timestamptz IS NULL OR time >= $4) AND ($5::timestamptz IS NULL OR time < $5)
         ORDER BY time DESC, id DESC OFFSET $6 LIMIT $7`,
        [query.orgId ?? null, query.userId ?? null, query.objectId ?? null, query.from ?? null, query.to ?? null, query.firstResult, query.maxResults],
      );
      return rows.map((row) => row.record);
    },
    async close() {
      closing = true;
      clearTimeout(retryTimer);
      const deadline = Date.now() + CLOSE_WITHIN_MS;
      while (queue.length > 0 && Date.now() < deadline) {
        await write();
        if (queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const record of queue.splice(0)) {
        counters.overflowed();
        options.overflow.write(overflowLine(record, 'still queued for the database when the proxy stopped'));
      }
      await pool.end().catch(() => undefined);
    },
  };
}
