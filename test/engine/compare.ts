/**
 * Camunda 7.24 and Operaton side by side: starts both test engines, sends each the same engine-rest
 * calls, and prints per call whether the answers agree in status, content type, header names and
 * the fields (names and types) of the body; error bodies are compared whole, ids and package names masked.
 * What it finds is in the README (Supported engines) and pinned by test/contract/engineDifferences.test.ts.
 *
 *   npx tsx test/engine/compare.ts
 */
import { basicAuth, ENGINE_PASSWORD, ENGINE_USER, startEngine, type RunningEngine } from '../../scripts/engine.js';

interface Seen {
  status: number;
  contentType: string | null;
  headerNames: string;
  fields: string[];
  errorBody?: string;
}

// Ids differ per run, and each engine names its own Java packages in some messages.
const maskIds = (text: string) =>
  text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>').replace(/\borg\.(camunda|operaton)\./g, 'org.<engine>.');

/** Every leaf as `path:type`; arrays by their first element. */
function fields(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.length > 0 ? fields(value[0], `${path}[]`) : [`${path}[]`];
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => fields(inner, `${path}.${key}`));
  return [`${path}:${value === null ? 'null' : typeof value}`];
}

async function callsOn(base: string): Promise<Map<string, Seen>> {
  const seen = new Map<string, Seen>();
  const call = async (name: string, method: string, path: string, body?: unknown, accept = 'application/json') => {
    const headers: Record<string, string> = { accept, authorization: basicAuth(ENGINE_USER, ENGINE_PASSWORD) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + path, { method, headers, ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: compared as text */
    }
    seen.set(name, {
      status: res.status,
      contentType: res.headers.get('content-type'),
      headerNames: [...(res.headers as unknown as Map<string, string>).keys()].filter((header) => header !== 'date').sort().join(','),
      fields: fields(json).sort(),
      ...(res.status >= 400 && { errorBody: maskIds(text).slice(0, 300) }),
    });
    return json;
  };
  const initiator = { value: 'user_2abc', type: 'String' };
  await call('version', 'GET', '/version');
  await call('engines', 'GET', '/engine');
  await call('process definitions', 'GET', '/process-definition?key=order');
  await call('process definition by key', 'GET', '/process-definition/key/order');
  await call('start form variables', 'GET', '/process-definition/key/order/form-variables');
  await call('start form', 'GET', '/process-definition/key/order/startForm');
  const started = (await call('start', 'POST', '/process-definition/key/order/start', {
    businessKey: 'compare',
    variables: { initiator, amount: { value: 5, type: 'Long' }, when: { value: '2026-01-02T03:04:05.000+0000', type: 'Date' } },
  })) as { id: string };
  await call('start with variables in return', 'POST', '/process-definition/key/order/start', { variables: { initiator }, withVariablesInReturn: true });
  await call('instance', 'GET', `/process-instance/${started.id}`);
  await call('instance variables', 'GET', `/process-instance/${started.id}/variables`);
  await call('instances by variable (POST query)', 'POST', '/process-instance', { variables: [{ name: 'initiator', operator: 'eq', value: 'user_2abc' }] });
  await call('instance count', 'GET', '/process-instance/count');
  await call('activity instances', 'GET', `/process-instance/${started.id}/activity-instances`);
  const [task] = (await call('tasks of the instance', 'GET', `/task?processInstanceId=${started.id}`)) as { id: string }[];
  await call('task', 'GET', `/task/${task!.id}`);
  await call('task as HAL', 'GET', `/task/${task!.id}`, undefined, 'application/hal+json');
  await call('task form variables', 'GET', `/task/${task!.id}/form-variables`);
  await call('task form', 'GET', `/task/${task!.id}/form`);
  await call('tasks, assigned or candidate (orQueries)', 'POST', '/task', { orQueries: [{ assignee: 'user_2abc', candidateUser: 'user_2abc' }] });
  await call('task identity links', 'GET', `/task/${task!.id}/identity-links`);
  await call('complete with variables in return', 'POST', `/task/${task!.id}/complete`, { variables: { approved: { value: true, type: 'Boolean' } }, withVariablesInReturn: true });
  await call('historic instance', 'GET', `/history/process-instance/${started.id}`);
  await call('historic activities', 'GET', `/history/activity-instance?processInstanceId=${started.id}`);
  await call('historic tasks', 'GET', `/history/task?processInstanceId=${started.id}`);
  await call('historic variables', 'GET', `/history/variable-instance?processInstanceId=${started.id}`);
  await call('deployments', 'GET', '/deployment');
  await call('statistics', 'GET', '/process-definition/statistics');
  await call('BPMN XML', 'GET', '/process-definition/key/order/xml');
  await call('suspend the instance', 'PUT', `/process-instance/${started.id}/suspended`, { suspended: true });
  await call('tasks of a suspended instance', 'GET', `/task?processInstanceId=${started.id}`);
  await call('fetchAndLock', 'POST', '/external-task/fetchAndLock', { workerId: 'compare', maxTasks: 1, topics: [{ topicName: 'nothing', lockDuration: 1000 }] });
  await call('a JSON string where a query belongs', 'POST', '/process-instance', '"{"');
  await call('an unknown path', 'GET', '/nope');
  await call('an unsupported method', 'DELETE', '/version');
  await call('a Date ending in Z', 'POST', '/process-definition/key/order/start', { variables: { initiator, d: { value: '2026-01-02T03:04:05.000Z', type: 'Date' } } });
  await call('a Json variable', 'POST', '/process-definition/key/jsonCheck/start', { variables: { order: { value: '{"priority":"high"}', type: 'Json' } } });
  await call('an Object variable', 'POST', '/process-definition/key/order/start', {
    variables: { initiator, o: { value: '{"a":1}', type: 'Object', valueInfo: { objectTypeName: 'java.util.HashMap', serializationDataFormat: 'application/json' } } },
  });
  await call('telemetry', 'GET', '/telemetry/data');
  await call('metrics', 'GET', '/metrics/activity-instance-start/sum');
  await call('filters', 'GET', '/filter');
  await call('users', 'GET', '/user');
  await call('groups', 'GET', '/group');
  await call('authorizations', 'GET', '/authorization');
  return seen;
}

async function main(): Promise<void> {
  const engines: RunningEngine[] = [];
  try {
    for (const flavour of ['camunda', 'operaton'] as const) engines.push(await startEngine({ flavour, progress: (m) => console.error(`[engine] ${m}`) }));
    const [camunda, operaton] = [await callsOn(engines[0]!.url), await callsOn(engines[1]!.url)];
    let differing = 0;
    for (const [name, c] of camunda) {
      const o = operaton.get(name)!;
      const differences: string[] = [];
      if (c.status !== o.status) differences.push(`status ${c.status} / ${o.status}`);
      if (c.contentType !== o.contentType) differences.push(`content type ${c.contentType} / ${o.contentType}`);
      if (c.headerNames !== o.headerNames) differences.push(`headers ${c.headerNames} / ${o.headerNames}`);
      const onlyCamunda = c.fields.filter((field) => !o.fields.includes(field));
      const onlyOperaton = o.fields.filter((field) => !c.fields.includes(field));
      if (onlyCamunda.length > 0 || onlyOperaton.length > 0) differences.push(`fields only on Camunda ${JSON.stringify(onlyCamunda)}, only on Operaton ${JSON.stringify(onlyOperaton)}`);
      if (c.errorBody !== o.errorBody) differences.push(`error body ${c.errorBody} / ${o.errorBody}`);
      if (differences.length > 0) differing++;
      console.log(`${differences.length > 0 ? 'DIFFERS' : 'same   '} ${name}${differences.length > 0 ? `: ${differences.join('; ')}` : ''}`);
    }
    console.log(`\n${camunda.size} calls, ${differing} answered differently (Camunda / Operaton)`);
  } finally {
    await Promise.all(engines.map((engine) => engine.stop()));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
