import type { RequestHandler } from 'express';
import { Counter, Gauge } from 'prom-client';
import sonicBoom from 'sonic-boom';
import type { Logger, LogSink } from '../http/log.js';
import type { ProxyMetrics } from '../http/metrics.js';
import type { AuditConfig } from '../config/env.js';
import { auditRecordOf, isAction, type AuditRecord } from './auditRecord.js';
import { recentAuditRecords, type AuditStore } from './auditStore.js';
import { postgresAuditStore } from './postgresAuditStore.js';

export interface AuditTrail {
  /** Records every action (any method but GET, HEAD, OPTIONS) once its answer is given or abandoned. */
  readonly recordActions: RequestHandler;
  readonly store: AuditStore;
  /** Flushes the sinks; what the database cannot take in time goes to standard output. */
  close(): Promise<void>;
}

export interface AuditDeps {
  readonly log: Logger;
  readonly metrics: ProxyMetrics;
  /** The process's standard output sink (shared with the access log). */
  readonly stdout: LogSink;
}

function lineSinkFor(config: AuditConfig['lines'], stdout: LogSink): (LogSink & { close?(): void }) | undefined {
  if (config.to === 'off') return undefined;
  if (config.to === 'stdout') return stdout;
  // Appended without blocking the event loop, like the access log.
  const file = new sonicBoom.SonicBoom({ dest: config.path, append: true, mkdir: true, sync: false });
  return { write: (line) => file.write(line), close: () => file.flushSync() };
}

/** /api and /engine-rest: the built-in endpoints (/health, /metrics, the docs) change nothing. */
const isFrontDoor = (url: string) => url.startsWith('/api/') || url.startsWith('/engine-rest/') || url === '/api' || url === '/engine-rest';

export function createAuditTrail(config: AuditConfig, deps: AuditDeps): AuditTrail {
  const { registry } = deps.metrics;
  const recorded = new Counter({ name: 'proxy_audit_records_total', help: 'Audit records made, by outcome', labelNames: ['outcome'], registers: [registry] });
  const lines = lineSinkFor(config.lines, deps.stdout);
  let store: AuditStore;
  if (config.databaseUrl) {
    const depth = new Gauge({ name: 'proxy_audit_queue_depth', help: 'Audit records waiting for the database', registers: [registry] });
    const failures = new Counter({ name: 'proxy_audit_database_failures_total', help: 'Failed writes of audit records to the database (the records stay queued)', registers: [registry] });
    const overflow = new Counter({
      name: 'proxy_audit_overflow_total',
      help: 'Audit records the database could not take (queue full, or still queued at shutdown), written to standard output instead',
      registers: [registry],
    });
    store = postgresAuditStore({
      url: config.databaseUrl,
      queueMax: config.queueMax,
      log: deps.log,
      overflow: deps.stdout,
      counters: { queued: (n) => depth.set(n), failed: () => failures.inc(), overflowed: () => overflow.inc() },
    });
  } else store = recentAuditRecords(config.recent);

  const keep = (record: AuditRecord) => {
    recorded.inc({ outcome: record.outcome });
    lines?.write(`${JSON.stringify({ level: 'info', msg: 'audit', ...record })}\n`);
    store.add(record);
  };

  return {
    store,
    recordActions: (req, res, next) => {
      if (isAction(req.method) && isFrontDoor(req.url)) res.once('close', () => keep(auditRecordOf(req, res, config.variables)));
      next();
    },
    async close() {
      await store.close();
      lines?.close?.();
    },
  };
}
