import request from 'supertest';
import pg from 'pg';
import { testUsers } from '../support/clerkTokens.js';
import { startPostgres, type RunningPostgres } from '../support/postgres.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';
import type { AuditRecord } from '../../src/audit/auditRecord.js';
import type { ProxyMetrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/http/log.js';

// The audit trail's PostgreSQL store against a real PostgreSQL 15 (Debian's, a throwaway cluster).

let postgres: RunningPostgres;
beforeAll(async () => {
  postgres = await startPostgres({ database: 'audit', user: 'proxy' });
}, 60_000);
afterAll(() => postgres?.stop());

const lines: string[] = [];
const stdout = { write: (line: string) => lines.push(line) };
const overflowLines = () => lines.filter((line) => line.includes('"msg":"audit record not stored in the database"')).map((line) => JSON.parse(line) as { reason: string; record: AuditRecord });

async function stored(): Promise<AuditRecord[]> {
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  try {
    return (await client.query<{ record: AuditRecord }>('SELECT record FROM proxy_audit ORDER BY time')).rows.map((row) => row.record);
  } finally {
    await client.end();
  }
}

async function eventually<T>(what: () => Promise<T>, done: (value: T) => boolean, withinMs = 15_000): Promise<T> {
  const until = Date.now() + withinMs;
  for (;;) {
    const value = await what();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const metric = async (metrics: ProxyMetrics, name: string) => (await metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;

describe('the audit trail in PostgreSQL (AUDIT_DATABASE_URL)', () => {
  let h: ProxyHarness;
  beforeAll(async () => {
    h = await startProxyHarness({ AUDIT_DATABASE_URL: postgres.url, AUDIT_LOG: 'off' }, { deps: { accessLogSink: stdout, log: createLogger('info', stdout) } });
  });
  afterAll(() => h?.close());
  beforeEach(() => {
    h.engine.reset();
    lines.splice(0);
  });

  it('creates its schema at start, once, however many proxies start', async () => {
    const second = await startProxyHarness({ AUDIT_DATABASE_URL: postgres.url }, { engine: h.engine });
    await second.close();
    await eventually(async () => postgres.query('SELECT count(*) FROM proxy_audit_migrations'), (count) => count.trim() === '1');
    expect(postgres.query('SELECT version FROM proxy_audit_migrations').trim()).toBe('1');
    expect(postgres.query("SELECT count(*) FROM pg_indexes WHERE tablename = 'proxy_audit'").trim()).toBe('4');
  });

  it('stores each action, and GET /api/audit reads them from the database, scoped to the organisation', async () => {
    const res = await request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer(testUsers.bob)).send({ variables: { amount: 1 } }).expect(201);
    const rows = await eventually(stored, (records) => records.some((r) => r.requestId === res.headers['x-request-id']));
    expect(rows.find((r) => r.requestId === res.headers['x-request-id'])).toMatchObject({
      userId: testUsers.bob.id,
      orgId: testUsers.bob.orgId,
      routeId: 'process.start',
      outcome: 'done',
      objects: { processDefinitionKey: 'order', processInstanceId: res.body.id },
      variables: ['amount'],
    });
    const read = await request(h.app).get(`/api/audit?objectId=${res.body.id}`).set('Authorization', h.bearer(testUsers.admin)).expect(200);
    expect(read.body).toEqual([expect.objectContaining({ requestId: res.headers['x-request-id'], userId: testUsers.bob.id })]);
    const otherAdmin = { ...testUsers.admin, id: 'user_2otherAdminTESTtestTESTte', orgId: 'org_2otherTESTtestTESTtestTESTt' };
    expect((await request(h.app).get(`/api/audit?objectId=${res.body.id}`).set('Authorization', h.bearer(otherAdmin)).expect(200)).body).toEqual([]);
  });

  it('survives a database restart: records made meanwhile are queued, counted, and land once it is back, none lost or doubled', async () => {
    const before = (await stored()).length;
    postgres.pause();
    try {
      for (let i = 0; i < 3; i += 1) {
        const started = performance.now();
        await request(h.app).post('/api/tasks/t-1/unclaim').set('Authorization', h.bearer(testUsers.manager)).send({});
        expect(performance.now() - started).toBeLessThan(1_000); // the answer never waits for the database
      }
      await eventually(() => metric(h.proxy.metrics, 'proxy_audit_database_failures_total'), (failures) => failures >= 1, 5_000);
      expect(await metric(h.proxy.metrics, 'proxy_audit_queue_depth')).toBe(3);
      expect(lines.some((line) => line.includes('audit database unreachable'))).toBe(true);
    } finally {
      postgres.resume();
    }
    const after = await eventually(stored, (records) => records.length >= before + 3);
    expect(after).toHaveLength(before + 3);
    expect(new Set(after.map((r) => r.id)).size).toBe(after.length);
    expect(await metric(h.proxy.metrics, 'proxy_audit_queue_depth')).toBe(0);
    expect(lines.some((line) => line.includes('audit database reachable again'))).toBe(true);
    expect(overflowLines()).toEqual([]);
  }, 60_000);
});

describe('when the database cannot take a record', () => {
  it('a full queue sends the record whole to standard output and counts it; so does a shutdown with records still queued', async () => {
    const h = await startProxyHarness({ AUDIT_DATABASE_URL: postgres.url, AUDIT_QUEUE_MAX: '2', AUDIT_LOG: 'off' }, { deps: { accessLogSink: stdout } });
    lines.splice(0);
    postgres.pause();
    try {
      for (let i = 0; i < 3; i += 1) await request(h.app).post('/api/tasks/t-1/unclaim').set('Authorization', h.bearer(testUsers.manager)).send({});
      const overflowed = overflowLines();
      expect(overflowed).toHaveLength(1);
      expect(overflowed[0]).toMatchObject({ reason: 'the audit queue is full', record: { userId: testUsers.manager.id, path: '/api/tasks/t-1/unclaim' } });
      expect(await metric(h.proxy.metrics, 'proxy_audit_overflow_total')).toBe(1);
      await h.close();
      const atShutdown = overflowLines().filter((line) => line.reason === 'still queued for the database when the proxy stopped');
      expect(atShutdown).toHaveLength(2);
      expect(await metric(h.proxy.metrics, 'proxy_audit_overflow_total')).toBe(3);
    } finally {
      postgres.resume();
    }
  }, 60_000);
});
