import type { AuditRecord } from './auditRecord.js';

/** What GET /api/audit asks: every given filter applies; newest first. */
export interface AuditQuery {
  /** Records whose `objects` name this id (a task, an instance, a process key, a deployment). */
  readonly objectId?: string;
  readonly userId?: string;
  /** Set by the proxy, never by the client: an organisation's administrator reads that organisation's records. */
  readonly orgId?: string;
  /** From this time (inclusive) until `to` (exclusive). */
  readonly from?: Date;
  readonly to?: Date;
  readonly firstResult: number;
  readonly maxResults: number;
}

/** Where records are kept for GET /api/audit. `add` never blocks the answer. */
export interface AuditStore {
  add(record: AuditRecord): void;
  find(query: AuditQuery): Promise<AuditRecord[]>;
  /** Writes what is still queued, within a bounded time. */
  close(): Promise<void>;
}

export const matches = (record: AuditRecord, query: AuditQuery): boolean =>
  (query.orgId === undefined || record.orgId === query.orgId) &&
  (query.userId === undefined || record.userId === query.userId) &&
  (query.objectId === undefined || Object.values(record.objects).includes(query.objectId)) &&
  (query.from === undefined || record.time >= query.from.toISOString()) &&
  (query.to === undefined || record.time < query.to.toISOString());

/**
 * Without a database: the last `capacity` records of this process, for GET /api/audit. Lost on
 * restart and not shared between replicas; the JSON-lines sink is the durable copy.
 */
export function recentAuditRecords(capacity: number): AuditStore {
  const ring: AuditRecord[] = new Array<AuditRecord>(capacity);
  let written = 0;
  return {
    add(record) {
      ring[written % capacity] = record;
      written += 1;
    },
    async find(query) {
      const found: AuditRecord[] = [];
      let skipped = 0;
      for (let n = written - 1; n >= Math.max(0, written - capacity) && found.length < query.maxResults; n -= 1) {
        const record = ring[n % capacity]!;
        if (!matches(record, query)) continue;
        if (skipped < query.firstResult) skipped += 1;
        else found.push(record);
      }
      return found;
    },
    close: async () => undefined,
  };
}
