/**
 * Self-check of the test engine, and a record of what its engine-rest answers in the cases the
 * proxy must normalise: Camunda 7.24 (ENGINE_FLAVOUR=camunda, the default) or Operaton
 * (ENGINE_FLAVOUR=operaton).
 *
 *   npx tsx test/engine/probe.ts            start an engine on a free port, run every case, print, stop
 *   npx tsx test/engine/probe.ts --write    also write the flavour's engine-answers.json
 *                                           (test/engine/ or test/engine/operaton/)
 *   ENGINE_URL=http://127.0.0.1:8080/engine-rest npx tsx test/engine/probe.ts   use a running engine
 *
 * Exits 1 when an expectation fails (e.g. the fixtures are not deployed or Json typing is lost).
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  ENGINE_FLAVOURS,
  ENGINE_PASSWORD,
  ENGINE_PROCESS_KEYS,
  ENGINE_USER,
  REPO_ROOT,
  basicAuth,
  engineFlavourFrom,
  startEngine,
  type RunningEngine,
} from '../../scripts/engine.js';

interface Answer {
  case: string;
  method: string;
  path: string;
  status: number;
  type?: string;
  message?: string;
  code?: number | null;
}

const auth = basicAuth(ENGINE_USER, ENGINE_PASSWORD);

async function call(base: string, method: string, path: string, body?: unknown, authorization: string | null = auth) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (authorization) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

async function main(): Promise<void> {
  const write = process.argv.includes('--write');
  const flavour = ENGINE_FLAVOURS[engineFlavourFrom(process.env.ENGINE_FLAVOUR)];
  let engine: RunningEngine | undefined;
  let base = process.env.ENGINE_URL;
  if (!base) {
    engine = await startEngine({ flavour: flavour.flavour, progress: (m) => console.error(`[engine] ${m}`) });
    base = engine.url;
  }
  const failures: string[] = [];
  const expect = (ok: boolean, what: string) => {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures.push(what);
  };
  const answers: Answer[] = [];
  const record = async (name: string, method: string, path: string, body?: unknown) => {
    const r = await call(base!, method, path, body);
    const j = (r.json ?? {}) as { type?: string; message?: string; code?: number | null };
    // ids differ per run: write <uuid> so the recorded answers are stable
    const stable = (t: string) => t.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
    const a: Answer = {
      case: name,
      method,
      path: stable(path),
      status: r.status,
      ...(j.type ? { type: j.type } : {}),
      ...(j.message !== undefined ? { message: stable(j.message) } : {}),
      ...(j.code !== undefined ? { code: j.code } : {}),
    };
    answers.push(a);
    return a;
  };
  const initiator = { initiator: { value: 'user_2abc', type: 'String' } };

  try {
    // auth
    expect((await call(base, 'GET', '/version', undefined, null)).status === 401, 'GET /version without credentials -> 401');
    expect((await call(base, 'GET', '/version', undefined, basicAuth('demo', 'wrong'))).status === 401, 'GET /version with a wrong password -> 401');
    expect((await call(base, 'GET', '/version')).status === 200, 'GET /version with demo:demo right after a wrong password -> 200 (login delay off)');

    // fixtures
    const defs = (await call(base, 'GET', '/process-definition?latestVersion=true')).json as { key: string }[];
    const keys = defs.map((d) => d.key).sort();
    expect(ENGINE_PROCESS_KEYS.every((k) => keys.includes(k)), `latest definitions contain ${ENGINE_PROCESS_KEYS.join(', ')} (got ${keys.join(', ')})`);

    // order -> reviewOrder assigned to the initiator
    const order = (await call(base, 'POST', '/process-definition/key/order/start', { variables: { ...initiator, customerName: { value: 'ACME', type: 'String' }, amount: { value: 42, type: 'Long' } } })).json as { id: string };
    const orderTasks = (await call(base, 'GET', `/task?processInstanceId=${order.id}`)).json as { taskDefinitionKey: string; assignee: string }[];
    expect(orderTasks.length === 1 && orderTasks[0]?.taskDefinitionKey === 'reviewOrder' && orderTasks[0]?.assignee === 'user_2abc', 'order: reviewOrder assigned to user_2abc');

    // jsonCheck: Json typing is real
    const taskOf = async (pi: string) => ((await call(base!, 'GET', `/task?processInstanceId=${pi}`)).json as { taskDefinitionKey: string }[]).map((t) => t.taskDefinitionKey).join(',');
    const high = await call(base, 'POST', '/process-definition/key/jsonCheck/start', { variables: { order: { value: JSON.stringify({ priority: 'high' }), type: 'Json' } } });
    expect(high.status === 200 && (await taskOf((high.json as { id: string }).id)) === 'highPriority', 'jsonCheck: Json {"priority":"high"} -> highPriority');
    const low = await call(base, 'POST', '/process-definition/key/jsonCheck/start', { variables: { order: { value: JSON.stringify({ priority: 'low' }), type: 'Json' } } });
    expect(low.status === 200 && (await taskOf((low.json as { id: string }).id)) === 'normalPriority', 'jsonCheck: Json {"priority":"low"} -> normalPriority');
    const asString = await record('jsonCheck with the same JSON text typed String', 'POST', '/process-definition/key/jsonCheck/start', { variables: { order: { value: JSON.stringify({ priority: 'high' }), type: 'String' } } });
    expect(asString.status === 500, 'jsonCheck: String-typed order fails (500)');
    await record('jsonCheck with an untyped object value', 'POST', '/process-definition/key/jsonCheck/start', { variables: { order: { value: { priority: 'high' } } } });
    await record('jsonCheck with Json text that is not JSON', 'POST', '/process-definition/key/jsonCheck/start', { variables: { order: { value: 'not json', type: 'Json' } } });
    await record('jsonCheck without the order variable', 'POST', '/process-definition/key/jsonCheck/start', {});
    await record('order without initiator', 'POST', '/process-definition/key/order/start', {});

    // variable typing
    const start = (name: string, v: unknown) => record(name, 'POST', '/process-definition/key/leaveRequest/start', { variables: { ...initiator, v } });
    const dateOk = await start('Date 2026-01-02T03:04:05.000+0000', { value: '2026-01-02T03:04:05.000+0000', type: 'Date' });
    expect(dateOk.status === 200, 'Date ...000+0000 accepted');
    expect((await start('Date 2026-01-02T03:04:05.000Z', { value: '2026-01-02T03:04:05.000Z', type: 'Date' })).status === 400, 'Date ...Z rejected (400)');
    await start('Date 2026-01-02T03:04:05.000+00:00', { value: '2026-01-02T03:04:05.000+00:00', type: 'Date' });
    await start('Date 2026-01-02T03:04:05+0000 (no millis)', { value: '2026-01-02T03:04:05+0000', type: 'Date' });
    await start('Integer 2147483647', { value: 2147483647, type: 'Integer' });
    expect((await start('Integer 2147483648', { value: 2147483648, type: 'Integer' })).status === 400, 'Integer above 2^31-1 rejected (400)');
    await start('Integer 1.5', { value: 1.5, type: 'Integer' });
    await start('Json with an object value', { value: { a: 1 }, type: 'Json' });
    await start('unknown type Foo', { value: 'x', type: 'Foo' });
    await start('Boolean "yes"', { value: 'yes', type: 'Boolean' });

    // unknown ids
    await record('unknown process key', 'GET', '/process-definition/key/nope');
    await record('start unknown process key', 'POST', '/process-definition/key/nope/start', {});
    await record('start form variables of unknown key', 'GET', '/process-definition/key/nope/form-variables');
    await record('unknown process definition id', 'GET', '/process-definition/nope');
    await record('unknown process instance', 'GET', '/process-instance/nope');
    await record('variables of unknown instance', 'GET', '/process-instance/nope/variables');
    await record('one variable of unknown instance', 'GET', '/process-instance/nope/variables/x');
    await record('delete unknown instance', 'DELETE', '/process-instance/nope');
    await record('unknown task', 'GET', '/task/nope');
    await record('form-variables of unknown task', 'GET', '/task/nope/form-variables');
    await record('variables of unknown task', 'GET', '/task/nope/variables');
    await record('complete unknown task', 'POST', '/task/nope/complete', {});
    await record('submit-form unknown task', 'POST', '/task/nope/submit-form', {});
    await record('claim unknown task', 'POST', '/task/nope/claim', { userId: 'user_2abc' });
    await record('unclaim unknown task', 'POST', '/task/nope/unclaim');
    await record('set assignee of unknown task', 'POST', '/task/nope/assignee', { userId: 'user_2abc' });
    await record('complete unknown external task', 'POST', '/external-task/nope/complete', { workerId: 'w1' });

    // claim twice
    const approveInstance = (await call(base, 'POST', '/process-definition/key/order/start', { variables: initiator })).json as { id: string };
    const review = ((await call(base, 'GET', `/task?processInstanceId=${approveInstance.id}`)).json as { id: string }[])[0]!;
    await call(base, 'POST', `/task/${review.id}/complete`, { variables: { approved: { value: true, type: 'Boolean' } } });
    const approve = ((await call(base, 'GET', `/task?processInstanceId=${approveInstance.id}&candidateGroup=managers`)).json as { id: string }[])[0]!;
    expect(approve !== undefined, 'order: approveOrder offered to candidate group managers');
    await call(base, 'POST', `/task/${approve.id}/claim`, { userId: 'mgr1' });
    await record('claim a task claimed by someone else', 'POST', `/task/${approve.id}/claim`, { userId: 'mgr2' });
    await record('complete a task with an Integer above 2^31-1', 'POST', `/task/${approve.id}/complete`, { variables: { n: { value: 2147483648, type: 'Integer' } } });

    // external task topic
    const inv = (await call(base, 'POST', '/process-definition/key/invoiceWorker/start', { variables: initiator })).json as { id: string };
    const locked = (await call(base, 'POST', '/external-task/fetchAndLock', { workerId: 'probe', maxTasks: 10, topics: [{ topicName: 'invoice-check', lockDuration: 10_000 }] })).json as { id: string; processInstanceId: string }[];
    const mine = locked.find((t) => t.processInstanceId === inv.id);
    expect(mine !== undefined, 'invoiceWorker: external task on topic invoice-check');
    if (mine) {
      const done = await call(base, 'POST', `/external-task/${mine.id}/complete`, { workerId: 'probe' });
      expect(done.status === 204, 'invoiceWorker: external task completed (204)');
      const t = ((await call(base, 'GET', `/task?processInstanceId=${inv.id}`)).json as { taskDefinitionKey: string; assignee: string }[])[0];
      expect(t?.taskDefinitionKey === 'reviewInvoice' && t.assignee === 'user_2abc', 'invoiceWorker: reviewInvoice assigned to the initiator');
    }
  } finally {
    await engine?.stop();
  }

  console.log('\n| case | request | status | type | code | message |\n| --- | --- | --- | --- | --- | --- |');
  for (const a of answers) {
    console.log(`| ${a.case} | ${a.method} ${a.path} | ${a.status} | ${a.type ?? ''} | ${a.code === undefined ? '' : String(a.code)} | ${(a.message ?? '').replace(/\|/g, '\\|')} |`);
  }
  if (write) {
    const file = join(flavour.dir, 'engine-answers.json');
    const folder = relative(REPO_ROOT, flavour.dir);
    writeFileSync(file, `${JSON.stringify({ engine: `${flavour.product} ${flavour.version} engine-rest (${folder})`, answers }, null, 2)}\n`);
    console.error(`wrote ${file}`);
  }
  console.log(`\n${failures.length === 0 ? 'all expectations met' : `${failures.length} expectation(s) failed`}`);
  if (failures.length) process.exit(1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
