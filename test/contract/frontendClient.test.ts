/**
 * The earlier proxy's real clients, replayed against the real engine through this proxy:
 * - its Next.js pages: plain fetch, `Content-Type: application/json` on every call (GET and bodiless
 *   POSTs too), `response.json()` on every 2xx, `errorData.detail` otherwise; forms built from every
 *   entry of the form answer and sent back whole as `{value, type}` pairs;
 * - its README hook `useCamundaAPI()`: plain values, `response.json()` on every success.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testOrgs, type SessionUser } from '../support/clerkTokens.js';
import { engineDirect, startContractProxy, tasksOfInstance, testUsers, uniqueKey, type ContractProxy, onEngine } from '../support/contractHarness.js';

interface VariableValue {
  value: unknown;
  type: string;
  valueInfo?: Record<string, unknown>;
}
type VariableMap = Record<string, VariableValue>;

const proxyOwned = ['initiator', 'initiatorEmail', 'initiatorName', 'completedBy', 'completedByEmail', 'completedByName'];

class PageError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

let h: ContractProxy;
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  h = startContractProxy();
  server = h.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  h.close();
});

/** `useWorkflowApi()`'s apiCall, and equally the README hook's: it throws on a 2xx without a JSON body. */
function apiFor(user: SessionUser) {
  return async <T = unknown>(endpoint: string, options: { method?: string; body?: string } = {}): Promise<T> => {
    const response = await fetch(`${baseUrl}${endpoint}`, {
      ...options,
      headers: { Authorization: `Bearer ${h.tokenFor(user)}`, 'Content-Type': 'application/json' },
    });
    if (!response.ok) {
      const errorData = (await response.json()) as { detail: string };
      throw new PageError(response.status, errorData.detail);
    }
    return (await response.json()) as T;
  };
}

/** What the page's call fails with, to assert a refusal. */
async function refusal(call: Promise<unknown>): Promise<PageError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof PageError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

/** The page's typing of a form value: Integer for every whole number, Date as ISO, Json as its string. */
function asPagePair(formType: string, value: unknown): { value: unknown; type: string } {
  if (value === null || value === undefined) return { value: null, type: formType };
  if (formType === 'Date') return { value: new Date(String(value).replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).toISOString(), type: 'Date' };
  if (formType === 'Json') return { value: typeof value === 'string' ? value : JSON.stringify(value), type: 'Json' };
  if (typeof value === 'number') return { value, type: Number.isInteger(value) ? 'Integer' : 'Double' };
  if (typeof value === 'boolean') return { value, type: 'Boolean' };
  return { value: String(value), type: 'String' };
}

/** Every entry of the form, filled where the user typed something, sent back whole. */
function submissionOf(form: VariableMap, typed: Record<string, unknown>): Record<string, { value: unknown; type: string }> {
  return Object.fromEntries(Object.entries(form).map(([name, entry]) => [name, asPagePair(entry.type, name in typed ? typed[name] : entry.value)]));
}

const json = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) });
const storedVariables = async (instanceId: string) =>
  (await engineDirect<VariableMap>('GET', `/history/variable-instance?processInstanceId=${instanceId}&deserializeValues=false`)).json as unknown as {
    name: string;
    type: string;
    value: unknown;
  }[];
const stored = async (instanceId: string) => Object.fromEntries((await storedVariables(instanceId)).map((v) => [v.name, { type: v.type, value: v.value }]));

/** A fresh member of acme, the organisation of the shared test users (its admin is testUsers.admin). */
function uniqueUser(label: string): SessionUser {
  const id = `user_2${label}${Math.random().toString(36).slice(2, 12)}`;
  return { id, email: `${label}@example.test`, name: `${label} Tester`, firstName: label, lastName: 'Tester', orgId: testOrgs.acme, orgSlug: 'acme', orgRole: 'member' };
}

describe(onEngine('the Next.js start and task pages, echoing whole forms'), () => {
  const alice = testUsers.alice;
  const manager = testUsers.manager;
  const due = '2026-03-04T05:06:07.000Z';
  const items = JSON.stringify([{ sku: 'a-1', qty: 2 }]);
  let instanceId: string;

  it('starts an order from the start form with Integer 3000000000, a Date and a Json string: 201, stored as Long/Date/Json', async () => {
    const api = apiFor(alice);
    const form = await api<VariableMap>('/api/processes/order/form');
    expect(Object.keys(form).sort()).toEqual(['amount', 'customerName']);
    const variables: Record<string, { value: unknown; type: string }> = {
      ...submissionOf(form, { customerName: 'ACME', amount: 3_000_000_000 }),
      due: { value: due, type: 'Date' },
      items: { value: items, type: 'Json' },
    };
    expect(variables.amount).toEqual({ value: 3_000_000_000, type: 'Integer' });
    const started = await api<{ id: string; businessKey: string }>('/api/processes/order/start', json({ businessKey: uniqueKey('page-order'), variables }));
    instanceId = started.id;
    expect(await stored(instanceId)).toMatchObject({
      customerName: { type: 'String', value: 'ACME' },
      amount: { type: 'Long', value: 3_000_000_000 },
      due: { type: 'Date', value: '2026-03-04T05:06:07.000+0000' },
      items: { type: 'Json', value: items },
      initiator: { type: 'String', value: alice.id },
    });
  });

  it('a start that echoes an initiator still stamps the caller', async () => {
    const api = apiFor(alice);
    const started = await api<{ id: string }>(
      '/api/processes/order/start',
      json({ variables: { customerName: 'ACME', initiator: { value: testUsers.bob.id, type: 'String' }, initiatorName: 'Bob' } }),
    );
    expect(await stored(started.id)).toMatchObject({ initiator: { value: alice.id }, initiatorName: { value: alice.name }, initiatorEmail: { value: alice.email } });
  });

  it("completes alice's review with a tampered initiator: 200 JSON, the stored initiator unchanged", async () => {
    const api = apiFor(alice);
    const [review] = await api<{ id: string; taskDefinitionKey: string }[]>(`/api/tasks?processInstanceId=${instanceId}`);
    expect(review!.taskDefinitionKey).toBe('reviewOrder');
    const form = await api<VariableMap>(`/api/tasks/${review!.id}/form`);
    const variables = { ...submissionOf(form, { approved: true }), initiator: { value: testUsers.bob.id, type: 'String' } };
    const completed = await api(`/api/tasks/${review!.id}/complete`, json({ variables }));
    expect(completed).toEqual({ id: review!.id, processInstanceId: instanceId, completedBy: alice.id });
    expect(await stored(instanceId)).toMatchObject({ initiator: { value: alice.id }, approved: { value: true }, completedBy: { value: alice.id } });
  });

  it("the manager's approval form (no form fields: every variable) leaves out the proxy's names; the instance variables keep them", async () => {
    const api = apiFor(manager);
    const [approval] = await tasksOfInstance(instanceId);
    expect(approval!.taskDefinitionKey).toBe('approveOrder');
    const form = await api<VariableMap>(`/api/tasks/${approval!.id}/form`);
    expect(Object.keys(form)).toEqual(expect.arrayContaining(['customerName', 'amount', 'due', 'items', 'approved']));
    for (const name of proxyOwned) expect(form).not.toHaveProperty(name);
    const variables = await apiFor(alice)<VariableMap>(`/api/instances/${instanceId}/variables`);
    expect(variables).toMatchObject({ initiator: { value: alice.id }, completedBy: { value: alice.id } });
  });

  it('the manager claims, unclaims and claims again: 200 {id, assignee} each time', async () => {
    const api = apiFor(manager);
    const [approval] = await tasksOfInstance(instanceId);
    expect(await api(`/api/tasks/${approval!.id}/claim`, { method: 'POST' })).toEqual({ id: approval!.id, assignee: manager.id });
    expect(await api(`/api/tasks/${approval!.id}/unclaim`, { method: 'POST' })).toEqual({ id: approval!.id, assignee: null });
    expect((await tasksOfInstance(instanceId))[0]!.assignee).toBeNull();
    expect(await api(`/api/tasks/${approval!.id}/claim`, { method: 'POST' })).toEqual({ id: approval!.id, assignee: manager.id });
  });

  it('the manager echoes the whole approval form back: 200 with the variables asked for; Long, Date and Json survive, the stamps name the right people', async () => {
    const api = apiFor(manager);
    const [approval] = await tasksOfInstance(instanceId);
    const form = await api<VariableMap>(`/api/tasks/${approval!.id}/form`);
    const variables = submissionOf(form, { approved: true });
    expect(variables.amount).toEqual({ value: 3_000_000_000, type: 'Integer' });
    expect(variables.due).toEqual({ value: due, type: 'Date' });
    expect(variables.items).toEqual({ value: items, type: 'Json' });
    const completed = await api<{ variables: VariableMap }>(`/api/tasks/${approval!.id}/complete`, json({ variables, withVariablesInReturn: true }));
    expect(completed).toMatchObject({ id: approval!.id, processInstanceId: instanceId, completedBy: manager.id });
    expect(completed.variables.approved).toMatchObject({ value: true, type: 'Boolean' });
    expect(await stored(instanceId)).toMatchObject({
      amount: { type: 'Long', value: 3_000_000_000 },
      due: { type: 'Date', value: '2026-03-04T05:06:07.000+0000' },
      items: { type: 'Json', value: items },
      initiator: { value: alice.id },
      completedBy: { value: manager.id },
    });
  });

  it('the instance page shows which steps ran, also after the instance ended', async () => {
    const api = apiFor(alice);
    const steps = await api<{ activityId: string; endTime: string | null }[]>(`/api/history/activity-instances?processInstanceId=${instanceId}&sortBy=startTime&sortOrder=asc`);
    expect(steps.map((step) => step.activityId)).toEqual(['orderStarted', 'reviewOrder', 'approveOrder', 'orderDone']);
    expect(steps.every((step) => step.endTime !== null)).toBe(true);
  });
});

describe(onEngine("the README hook's plain values"), () => {
  it('starts and completes a leave request with plain values; every answer is JSON', async () => {
    const user = uniqueUser('hook');
    const api = apiFor(user);
    const started = await api<{ id: string }>('/api/processes/leaveRequest/start', json({ variables: { days: 3, reason: 'holiday', requestDate: new Date().toISOString() } }));
    const [task] = await api<{ id: string }[]>(`/api/tasks?processInstanceId=${started.id}`);
    expect(await api(`/api/tasks/${task!.id}/complete`, json({ variables: { confirmed: true } }))).toEqual({
      id: task!.id,
      processInstanceId: started.id,
      completedBy: user.id,
    });
    expect(await stored(started.id)).toMatchObject({ days: { type: 'Integer', value: 3 }, requestDate: { type: 'String' }, confirmed: { value: true } });
  });
});

describe(onEngine('the instance page: activities, suspend, activate, delete'), () => {
  const owner = uniqueUser('owner');
  const stranger = uniqueUser('stranger');
  let instanceId: string;
  beforeAll(async () => {
    instanceId = (await apiFor(owner)<{ id: string }>('/api/processes/leaveRequest/start', json({ businessKey: uniqueKey('page-leave'), variables: { days: 1 } }))).id;
  });
  const suspended = async () => (await engineDirect<{ suspended: boolean }>('GET', `/process-instance/${instanceId}`)).json.suspended;

  it('the running activity tree, for who may see the instance; 404 for anyone else', async () => {
    const tree = await apiFor(owner)<{ id: string; childActivityInstances: { activityId: string }[] }>(`/api/instances/${instanceId}/activity-instances`);
    expect(tree.id).toBe(instanceId);
    expect(tree.childActivityInstances.map((child) => child.activityId)).toEqual(['confirmLeave']);
    expect((await refusal(apiFor(stranger)(`/api/instances/${instanceId}/activity-instances`))).status).toBe(404);
  });

  it('the activity history: 404 for a stranger, 400 without exactly one processInstanceId', async () => {
    const history = (query: string, user = owner) => apiFor(user)(`/api/history/activity-instances${query}`);
    expect((await history(`?processInstanceId=${instanceId}`)) as unknown[]).toHaveLength(2);
    expect((await refusal(history(`?processInstanceId=${instanceId}`, stranger))).status).toBe(404);
    expect((await refusal(history(''))).status).toBe(400);
    // A second id, or the same name percent-encoded, cannot widen what was checked.
    expect((await refusal(history(`?processInstanceId=${instanceId}&processInstanceId=other`))).status).toBe(400);
    expect((await refusal(history(`?processInstanceId=${instanceId}&processInstance%49d=other`))).status).toBe(400);
  });

  it('the initiator suspends and activates: 200 {id, suspended}, and the engine agrees', async () => {
    const api = apiFor(owner);
    expect(await api(`/api/instances/${instanceId}/suspend`, { method: 'POST' })).toEqual({ id: instanceId, suspended: true });
    expect(await suspended()).toBe(true);
    expect(await api(`/api/instances/${instanceId}/activate`, { method: 'POST' })).toEqual({ id: instanceId, suspended: false });
    expect(await suspended()).toBe(false);
  });

  it('a stranger gets 404, a task candidate who did not start it 403, and nothing changes', async () => {
    expect((await refusal(apiFor(stranger)(`/api/instances/${instanceId}/suspend`, { method: 'POST' }))).status).toBe(404);
    const candidate = (await tasksOfInstance(instanceId))[0]!;
    await engineDirect('POST', `/task/${candidate.id}/identity-links`, { userId: stranger.id, type: 'candidate' });
    await engineDirect('POST', `/task/${candidate.id}/unclaim`);
    try {
      const forbidden = await refusal(apiFor(stranger)(`/api/instances/${instanceId}/suspend`, { method: 'POST' }));
      expect(forbidden.status).toBe(403);
      expect((await refusal(apiFor(stranger)(`/api/instances/${instanceId}`, { method: 'DELETE', body: '{}' }))).status).toBe(403);
    } finally {
      await engineDirect('POST', `/task/${candidate.id}/identity-links/delete`, { userId: stranger.id, type: 'candidate' });
      await engineDirect('POST', `/task/${candidate.id}/claim`, { userId: owner.id });
    }
    expect(await suspended()).toBe(false);
  });

  it('an administrator may suspend it; an unknown or ended instance is 404, not the engine\'s silent 204', async () => {
    const admin = apiFor(testUsers.admin);
    expect(await admin(`/api/instances/${instanceId}/suspend`, { method: 'POST' })).toEqual({ id: instanceId, suspended: true });
    expect(await admin(`/api/instances/${instanceId}/activate`, { method: 'POST' })).toEqual({ id: instanceId, suspended: false });
    expect((await refusal(admin(`/api/instances/no-such-instance/suspend`, { method: 'POST' }))).status).toBe(404);
  });

  it('the initiator deletes it with a reason: 200 {id, deleted, reason}; it is gone from the engine', async () => {
    const api = apiFor(owner);
    expect((await refusal(api(`/api/instances/${instanceId}`, { method: 'DELETE', body: JSON.stringify({ reason: 7 }) }))).status).toBe(400);
    expect((await refusal(apiFor(stranger)(`/api/instances/${instanceId}`, { method: 'DELETE', body: JSON.stringify({ reason: 'mine now' }) }))).status).toBe(404);
    expect((await engineDirect('GET', `/process-instance/${instanceId}`)).status).toBe(200);
    expect(await api(`/api/instances/${instanceId}`, { method: 'DELETE', body: JSON.stringify({ reason: 'entered twice' }) })).toEqual({
      id: instanceId,
      deleted: true,
      reason: 'entered twice',
    });
    expect((await engineDirect('GET', `/process-instance/${instanceId}`)).status).toBe(404);
    expect((await engineDirect<{ state: string }>('GET', `/history/process-instance/${instanceId}`)).json.state).toBe('EXTERNALLY_TERMINATED');
    expect((await refusal(api(`/api/instances/${instanceId}/suspend`, { method: 'POST' }))).status).toBe(404);
  });
});

describe(onEngine('the process diagram'), () => {
  it('answers {id, bpmn20Xml} for bpmn-js', async () => {
    const xml = await apiFor(testUsers.bob)<{ id: string; bpmn20Xml: string }>('/api/processes/order/xml');
    expect(xml.id).toMatch(/^order:/);
    expect(xml.bpmn20Xml).toContain('<bpmn:userTask id="reviewOrder"');
  });

  it('only to who may start the process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routes-'));
    const path = join(dir, 'routes.config.json');
    const shipped = JSON.parse(readFileSync('routes.config.json', 'utf8')) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...shipped, $schema: undefined, processes: { order: { start: { roles: ['org:hr'] } } } }));
    const limited = startContractProxy({ ROUTES_CONFIG: path });
    try {
      const supertest = (await import('supertest')).default;
      const denied = await supertest(limited.app).get('/api/processes/order/xml').set('Authorization', limited.bearer(testUsers.bob)).set('Content-Type', 'application/json');
      expect(denied.status).toBe(403);
      const allowed = await supertest(limited.app).get('/api/processes/order/xml').set('Authorization', limited.bearer(testUsers.admin));
      expect(allowed.status).toBe(200);
    } finally {
      limited.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe(onEngine('the dashboard statistics'), () => {
  it('counts only what the caller may see; administrators see at least as much', async () => {
    const worker = uniqueUser('stats');
    const newcomer = uniqueUser('newcomer');
    const api = apiFor(worker);
    const first = await api<{ id: string }>('/api/processes/leaveRequest/start', json({ variables: { days: 2 } }));
    await api('/api/processes/leaveRequest/start', json({ variables: { days: 5 } }));
    const [task] = await api<{ id: string }[]>(`/api/tasks?processInstanceId=${first.id}`);
    await api(`/api/tasks/${task!.id}/complete`, json({ variables: { confirmed: true } }));

    // The definitions the caller's process list shows (its organisation's and the shared ones), never every tenant's.
    const definitions = (await api<unknown[]>('/api/processes')).length;
    const everyTenant = (await engineDirect<{ count: number }>('GET', '/process-definition/count?latestVersion=true')).json.count;
    expect(definitions).toBeLessThanOrEqual(everyTenant);
    const mine = await api<Record<string, number>>('/api/statistics');
    expect(mine).toEqual({ totalProcesses: definitions, activeInstances: 1, completedInstances: 1, activeTasks: 1 });
    expect(await apiFor(newcomer)('/api/statistics')).toEqual({ totalProcesses: definitions, activeInstances: 0, completedInstances: 0, activeTasks: 0 });
    const everything = await apiFor(testUsers.admin)<Record<string, number>>('/api/statistics');
    for (const name of ['activeInstances', 'completedInstances', 'activeTasks']) expect(everything[name]).toBeGreaterThanOrEqual(mine[name]!);
    expect(everything.activeInstances).toBeGreaterThan(1);
  });
});
