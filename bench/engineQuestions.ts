/**
 * npm run bench:questions [-- options]   which form of the same authorization question the real
 *                                        engine answers fastest (issue 23, README "Which question the proxy asks")
 *
 * Starts the Camunda test engine (H2, or --database postgres on a throwaway PostgreSQL 15 cluster)
 * with the SQL of task queries logged, and fills it with a realistic mix: the user's organisation has
 * --per-org instances of the shared `leaveRequest` definition stamped with `initiatorOrgId` (what
 * INSTANCE_ORG=stamp finds) and as many of its own tenant definition (what INSTANCE_ORG=tenant finds:
 * the instance's tenant id, as OrganisationTenants or a per-organisation deployment gives it); four
 * other organisations have as many again. Then it times each form of "this task / the user's task
 * list, if the user may see it" straight to the engine, interleaved in random order, one keep-alive
 * connection, and prints p50/p90 against the plain call. For each form it also prints the SQL the
 * engine ran (its length and, on PostgreSQL, EXPLAIN ANALYZE's planning and execution time): whether
 * the cost is the database's or the engine's own.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { basicAuth, ENGINE_PASSWORD, ENGINE_USER } from '../scripts/engine.js';
import { benchDatabase, startBenchEngine, type BenchEngine } from './lib/benchEngine.js';
import { timedClient } from './lib/timedClient.js';

const { values: flags } = parseArgs({
  options: {
    database: { type: 'string', default: 'h2' },
    iterations: { type: 'string', default: '200' },
    'per-org': { type: 'string', default: '300' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write(`Usage: npm run bench:questions [-- options]
  --database h2|postgres   the engine's database (default h2)
  --iterations N           timed rounds, each form once per round in random order (default 200, after 30 discarded)
  --per-org N              instances per organisation and kind (default 300: 600 for the user's organisation, 2,400 for four others)
`);
  process.exit(0);
}
const iterations = Number(flags.iterations);
const perOrg = Number(flags['per-org']);
const log = (line: string) => process.stderr.write(`[bench:questions] ${line}\n`);
const fmt = (n: number) => n.toFixed(2);

const user = 'user_questions_alice';
const org = 'org_questions_acme';
const role = 'member';
// The mapper whose SQL is logged (MyBatis logs per statement namespace).
const TASK_MAPPER = 'org.camunda.bpm.engine.impl.persistence.entity.TaskEntity';

const stamp = [{ name: 'initiatorOrgId', operator: 'eq', value: org }];
const mine = { assignee: user, candidateUser: user, candidateGroups: [role] };
const sorting = [{ sortBy: 'created', sortOrder: 'desc' }];

interface Form {
  name: string;
  /** Which proxy setting asks this way, for the table. */
  who: string;
  method: 'GET' | 'POST';
  path: (task: string) => string;
  body?: (task: string) => unknown;
  /** The task this form is asked about: one of the stamped shared-definition instances, or one of the tenant's. */
  world: 'stamp' | 'tenant';
}

const forms: Form[] = [
  { name: 'read: GET /task/{id}', who: 'the plain read', method: 'GET', path: (t) => `/task/${t}`, world: 'stamp' },
  { name: 'read: POST /task {taskId}', who: '(the query form, no criterion)', method: 'POST', path: () => '/task', body: (t) => ({ taskId: t }), world: 'stamp' },
  { name: 'read: + orQueries [{taskId}]', who: '(one entry that matches anyway)', method: 'POST', path: () => '/task', body: (t) => ({ taskId: t, orQueries: [{ taskId: t }] }), world: 'stamp' },
  { name: 'read: + processVariables', who: '(a variable criterion alone)', method: 'POST', path: () => '/task', body: (t) => ({ taskId: t, processVariables: stamp }), world: 'stamp' },
  { name: 'read: + tenantIdIn', who: 'admin, INSTANCE_ORG=tenant', method: 'POST', path: () => '/task', body: (t) => ({ taskId: t, tenantIdIn: [org] }), world: 'tenant' },
  { name: 'read: + orQueries [org]', who: 'admin, INSTANCE_ORG=stamp', method: 'POST', path: () => '/task', body: (t) => ({ taskId: t, orQueries: [{ processVariables: stamp, tenantIdIn: [org] }] }), world: 'stamp' },
  { name: 'read: + orQueries [mine]', who: '(mine or candidate alone)', method: 'POST', path: () => '/task', body: (t) => ({ taskId: t, orQueries: [mine] }), world: 'stamp' },
  { name: 'read: + orQueries [mine], tenantIdIn', who: 'member, INSTANCE_ORG=tenant', method: 'POST', path: () => '/task', body: (t) => ({ taskId: t, orQueries: [mine], tenantIdIn: [org] }), world: 'tenant' },
  { name: 'read: + orQueries [mine, org]', who: 'member, INSTANCE_ORG=stamp', method: 'POST', path: () => '/task', body: (t) => ({ taskId: t, orQueries: [mine, { processVariables: stamp, tenantIdIn: [org] }] }), world: 'stamp' },
  { name: 'list: GET /task?assignee', who: 'the plain list', method: 'GET', path: () => `/task?assignee=${user}&sortBy=created&sortOrder=desc&firstResult=0&maxResults=20`, world: 'stamp' },
  { name: 'list: + orQueries [mine], tenantIdIn', who: 'member, INSTANCE_ORG=tenant', method: 'POST', path: () => '/task?firstResult=0&maxResults=20', body: () => ({ orQueries: [mine], tenantIdIn: [org], sorting }), world: 'tenant' },
  { name: 'list: + orQueries [mine, org]', who: 'member, INSTANCE_ORG=stamp', method: 'POST', path: () => '/task?firstResult=0&maxResults=20', body: () => ({ orQueries: [mine, { processVariables: stamp, tenantIdIn: [org] }], sorting }), world: 'stamp' },
];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;

/** The last statement of the task mapper in the engine's log, with its parameters put in (for EXPLAIN). */
function lastTaskSql(logFile: string): { sql: string; literal: string } | undefined {
  const lines = readFileSync(logFile, 'utf8').split('\n');
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const at = lines[i]!.indexOf('==>  Preparing: ');
    if (at === -1 || !lines[i]!.includes('selectTaskByQueryCriteria')) continue;
    const sql = lines[i]!.slice(at + '==>  Preparing: '.length).trim();
    const parameters = (lines[i + 1] ?? '').split('==> Parameters: ')[1] ?? '';
    const values = parameters ? parameters.split(/, (?=[^,]*\()/).map((p) => /^(.*)\((\w+)\)$/.exec(p.trim())) : [];
    let k = 0;
    const literal = sql.replace(/\?/g, () => {
      const value = values[k++];
      if (!value) return 'NULL';
      return value[2] === 'String' ? `'${value[1]!.replace(/'/g, "''")}'` : value[1]!;
    });
    return { sql, literal };
  }
  return undefined;
}

async function main(): Promise<void> {
  let started: BenchEngine | undefined;
  try {
    started = await startBenchEngine({ database: benchDatabase(flags.database), progress: log, appArgs: [`--logging.level.${TASK_MAPPER}=DEBUG`] });
    const { engine, postgres } = started;
    const { agent, call } = timedClient(engine.url, basicAuth(ENGINE_USER, ENGINE_PASSWORD));
    // The organisation's own definition of the key: its instances carry the tenant id.
    const bpmn = readFileSync('test/engine/src/main/resources/leaveRequest.bpmn');
    const form = new FormData();
    form.set('deployment-name', 'questions');
    form.set('tenant-id', org);
    form.set('data', new Blob([bpmn]), 'leaveRequest.bpmn');
    const deployed = await fetch(`${engine.url}/deployment/create`, { method: 'POST', body: form, headers: { authorization: basicAuth(ENGINE_USER, ENGINE_PASSWORD) } });
    if (deployed.status !== 200) throw new Error(`deployment: ${deployed.status} ${await deployed.text()}`);
    const start = async (path: string, initiator: string, orgId: string) => {
      const answer = await call('POST', path, {
        variables: { initiator: { value: initiator, type: 'String' }, initiatorOrgId: { value: orgId, type: 'String' }, days: { value: 3, type: 'Integer' } },
      });
      if (answer.status !== 200) throw new Error(`start: ${answer.status} ${answer.text}`);
    };
    log(`seeding ${perOrg * 2} instances of the organisation and ${perOrg * 8} of four others…`);
    for (let i = 0; i < perOrg; i += 1) {
      await start('/process-definition/key/leaveRequest/start', user, org);
      await start(`/process-definition/key/leaveRequest/tenant-id/${org}/start`, user, org);
      for (let k = 0; k < 4; k += 1) {
        await start('/process-definition/key/leaveRequest/start', `user_other_${k}`, `org_other_${k}`);
        await start('/process-definition/key/leaveRequest/start', `user_other_${k}`, `org_other_${k}`);
      }
    }
    const one = async (criteria: object) => (JSON.parse((await call('POST', '/task?maxResults=1', { assignee: user, ...criteria })).text) as { id: string }[])[0]!.id;
    const tasks = { stamp: await one({ withoutTenantId: true }), tenant: await one({ tenantIdIn: [org] }) };

    const sqlOf = new Map<string, { length: number; planning?: number; execution?: number }>();
    for (const f of forms) {
      const answer = await call(f.method, f.path(tasks[f.world]), f.body?.(tasks[f.world]));
      if (answer.status !== 200) throw new Error(`${f.name}: ${answer.status} ${answer.text}`);
      const found = f.method === 'POST' || f.path('x').includes('?') ? (JSON.parse(answer.text) as unknown[]).length : 1;
      if (found === 0) throw new Error(`${f.name} found nothing: the forms must find the same task`);
      const statement = lastTaskSql(engine.logFile);
      if (!statement) continue;
      const entry: { length: number; planning?: number; execution?: number } = { length: statement.sql.length };
      if (postgres) {
        const plan = JSON.parse(postgres.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.literal}`)) as { 'Planning Time': number; 'Execution Time': number }[];
        entry.planning = plan[0]!['Planning Time'];
        entry.execution = plan[0]!['Execution Time'];
      }
      sqlOf.set(f.name, entry);
    }

    const times = new Map<string, number[]>(forms.map((f) => [f.name, []]));
    for (let round = 0; round < iterations + 30; round += 1) {
      const order = [...forms].sort(() => Math.random() - 0.5);
      for (const f of order) {
        const answer = await call(f.method, f.path(tasks[f.world]), f.body?.(tasks[f.world]));
        if (answer.status !== 200) throw new Error(`${f.name}: ${answer.status}`);
        if (round >= 30) times.get(f.name)!.push(answer.ms);
      }
    }
    agent.destroy();

    const plain = (kind: string) => percentile([...times.get(forms.find((f) => f.name.startsWith(kind) && f.method === 'GET')!.name)!].sort((a, b) => a - b), 0.5);
    const rows = forms.map((f) => {
      const sorted = [...times.get(f.name)!].sort((a, b) => a - b);
      const p50 = percentile(sorted, 0.5);
      const sql = sqlOf.get(f.name);
      return [
        f.name,
        f.who,
        fmt(p50),
        fmt(percentile(sorted, 0.9)),
        `${p50 - plain(f.name.split(':')[0]!) >= 0 ? '+' : ''}${fmt(p50 - plain(f.name.split(':')[0]!))}`,
        sql ? String(sql.length) : '-',
        ...(postgres ? [sql?.planning !== undefined ? fmt(sql.planning) : '-', sql?.execution !== undefined ? fmt(sql.execution) : '-'] : []),
      ];
    });
    const header = ['form', 'asked by', 'p50 ms', 'p90 ms', 'vs plain p50', 'SQL chars', ...(postgres ? ['PG planning ms', 'PG execution ms'] : [])];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
    process.stdout.write(
      [
        '',
        `Camunda 7.24 test engine on ${postgres ? 'PostgreSQL 15' : 'H2 in memory'}; ${perOrg * 2} tasks of the user's organisation (half stamped shared, half its tenant's), ${perOrg * 8} of four others;`,
        `${iterations} rounds, every form once per round in random order, one keep-alive connection; ms per call, straight to the engine`,
        '',
        line(header),
        `|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
        ...rows.map(line),
        '',
      ].join('\n'),
    );
  } finally {
    await started?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench:questions] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
