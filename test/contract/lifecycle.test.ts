/**
 * An order's life through the proxy against the real engine: start as alice, see the variables the
 * proxy stamped, find and complete alice's task, and watch the process move on to the managers.
 * Also: client values for the proxy-owned names never reach the engine; the proxy's stamps win.
 */
import request from 'supertest';
import {
  engineDirect,
  expectEnvelope,
  historicInstancesByBusinessKey,
  startContractProxy,
  tasksOfInstance,
  testUsers,
  uniqueKey,
  type ContractProxy,
  onEngine,
} from '../support/contractHarness.js';

let h: ContractProxy;
beforeAll(() => {
  h = startContractProxy();
});
afterAll(() => h.close());

const alice = testUsers.alice;
const manager = testUsers.manager;

describe(onEngine('order lifecycle'), () => {
  // The steps build on each other, in order.
  const businessKey = uniqueKey('lifecycle-order');
  let instanceId: string;
  let reviewTaskId: string;
  let approveTaskId: string;

  it('alice starts an order with plain variables: 201 with the instance id', async () => {
    const res = await request(h.app)
      .post('/api/processes/order/start')
      .set('Authorization', h.bearer(alice))
      .send({ businessKey, variables: { customerName: 'ACME', amount: 1200 } });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ id: expect.any(String), businessKey, ended: false, suspended: false, definitionKey: 'order' });
    instanceId = res.body.id;
    // The engine's session cookie never reaches the browser.
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('the variables carry the typed values and who started it', async () => {
    const res = await request(h.app).get(`/api/instances/${instanceId}/variables`).set('Authorization', h.bearer(alice));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      customerName: { type: 'String', value: 'ACME', valueInfo: {} },
      amount: { type: 'Integer', value: 1200, valueInfo: {} },
      initiator: { type: 'String', value: alice.id, valueInfo: {} },
      initiatorEmail: { type: 'String', value: alice.email, valueInfo: {} },
      initiatorName: { type: 'String', value: alice.name, valueInfo: {} },
      initiatorOrgId: { type: 'String', value: alice.orgId, valueInfo: {} },
    });
  });

  it("alice's task list has the reviewOrder task (assignee = initiator)", async () => {
    const res = await request(h.app)
      .get(`/api/tasks?assignee=${encodeURIComponent(alice.id)}&processInstanceId=${instanceId}`)
      .set('Authorization', h.bearer(alice));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      expect.objectContaining({ taskDefinitionKey: 'reviewOrder', name: 'Review order', assignee: alice.id, processInstanceId: instanceId }),
    ]);
    reviewTaskId = res.body[0].id;
  });

  it("the task's form shows the approved field", async () => {
    const res = await request(h.app).get(`/api/tasks/${reviewTaskId}/form`).set('Authorization', h.bearer(alice));
    expect(res.status).toBe(200);
    expect(res.body.approved).toEqual({ type: 'Boolean', value: null, valueInfo: {} });
  });

  it('alice completes it: 200 with the task, its instance and who completed it', async () => {
    const res = await request(h.app)
      .post(`/api/tasks/${reviewTaskId}/complete`)
      .set('Authorization', h.bearer(alice))
      .send({ variables: { approved: true, comments: 'ok' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({ id: reviewTaskId, processInstanceId: instanceId, completedBy: alice.id });
  });

  it('the variables now say who completed it', async () => {
    const res = await request(h.app).get(`/api/instances/${instanceId}/variables`).set('Authorization', h.bearer(alice));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      approved: { type: 'Boolean', value: true },
      comments: { type: 'String', value: 'ok' },
      completedBy: { type: 'String', value: alice.id },
      completedByEmail: { type: 'String', value: alice.email },
      completedByName: { type: 'String', value: alice.name },
      initiator: { type: 'String', value: alice.id },
    });
  });

  it('the process moved on: the engine has approveOrder for the managers group', async () => {
    const tasks = await tasksOfInstance(instanceId);
    expect(tasks).toEqual([expect.objectContaining({ taskDefinitionKey: 'approveOrder', name: 'Manager approval', assignee: null })]);
    approveTaskId = tasks[0]!.id;
    const links = await engineDirect<{ type: string; groupId: string | null; userId: string | null }[]>(
      'GET',
      `/task/${approveTaskId}/identity-links`,
    );
    expect(links.status).toBe(200);
    expect(links.json).toEqual([expect.objectContaining({ type: 'candidate', groupId: 'managers', userId: null })]);

    // …and the proxy's task list finds it by candidate group too.
    const viaProxy = await request(h.app)
      .get(`/api/tasks?candidateGroup=managers&processInstanceId=${instanceId}`)
      .set('Authorization', h.bearer(manager));
    expect(viaProxy.status).toBe(200);
    expect(viaProxy.body.map((t: { id: string }) => t.id)).toEqual([approveTaskId]);
  });

  it('the manager completes approveOrder with withVariablesInReturn: 200 with the variables', async () => {
    const res = await request(h.app)
      .post(`/api/tasks/${approveTaskId}/complete`)
      .set('Authorization', h.bearer(manager))
      .send({ variables: { managerNote: 'fine', meta: { level: 2 } }, withVariablesInReturn: true });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ id: approveTaskId, processInstanceId: instanceId, completedBy: manager.id });
    expect(res.body.variables).toMatchObject({
      customerName: { type: 'String', value: 'ACME' },
      amount: { type: 'Integer', value: 1200 },
      approved: { type: 'Boolean', value: true },
      managerNote: { type: 'String', value: 'fine' },
      initiator: { type: 'String', value: alice.id },
      // The second completion overwrites the stamps: the latest completer wins.
      completedBy: { type: 'String', value: manager.id },
      completedByEmail: { type: 'String', value: manager.email },
      completedByName: { type: 'String', value: manager.name },
    });
    // Json comes back serialised (the engine does not deserialise variables it returns here).
    expect(res.body.variables.meta.type).toBe('Json');
    expect(JSON.parse(res.body.variables.meta.value as string)).toEqual({ level: 2 });
  });

  it('the instance has ended: GET /api/instances/:id is 404, history says COMPLETED', async () => {
    const res = await request(h.app).get(`/api/instances/${instanceId}`).set('Authorization', h.bearer(alice));
    expectEnvelope(res, 404, 'not_found');
    expect(await historicInstancesByBusinessKey(businessKey)).toEqual([expect.objectContaining({ id: instanceId, state: 'COMPLETED' })]);
  });
});

describe(onEngine('start with withVariablesInReturn'), () => {
  it('201 with the variables, stamps included', async () => {
    const res = await request(h.app)
      .post('/api/processes/leaveRequest/start')
      .set('Authorization', h.bearer(testUsers.bob))
      .send({ businessKey: uniqueKey('lifecycle-vars'), variables: { days: 3 }, withVariablesInReturn: true });
    expect(res.status).toBe(201);
    expect(res.body.variables).toEqual({
      days: { type: 'Integer', value: 3, valueInfo: {} },
      initiator: { type: 'String', value: testUsers.bob.id, valueInfo: {} },
      initiatorEmail: { type: 'String', value: testUsers.bob.email, valueInfo: {} },
      initiatorName: { type: 'String', value: testUsers.bob.name, valueInfo: {} },
      initiatorOrgId: { type: 'String', value: testUsers.bob.orgId, valueInfo: {} },
    });
  });
});

/** What the engine stored, running or ended (history), by name. */
async function storedVariables(instanceId: string): Promise<Record<string, unknown>> {
  const answer = await engineDirect<{ name: string; value: unknown }[]>('GET', `/history/variable-instance?processInstanceId=${instanceId}`);
  return Object.fromEntries(answer.json.map((variable) => [variable.name, variable.value]));
}

describe(onEngine('proxy-owned variable names sent by a client'), () => {
  it.each(['initiator', 'initiatorEmail', 'initiatorName', 'completedBy', 'completedByEmail', 'completedByName'])(
    'a start with %s is not refused: the value never reaches the engine, the stamps name the caller',
    async (name) => {
      const res = await request(h.app)
        .post('/api/processes/order/start')
        .set('Authorization', h.bearer(alice))
        .send({ businessKey: uniqueKey('lifecycle-owned'), variables: { customerName: 'Mallory', [name]: 'user_someoneElse' } });
      expect(res.status).toBe(201);
      const stored = await storedVariables(res.body.id);
      expect(stored).toMatchObject({ customerName: 'Mallory', initiator: alice.id, initiatorEmail: alice.email, initiatorName: alice.name });
      expect(Object.values(stored)).not.toContain('user_someoneElse');
      expect(stored).not.toHaveProperty('completedBy');
    },
  );

  it.each(['initiator', 'initiatorEmail', 'initiatorName', 'completedBy', 'completedByEmail', 'completedByName'])(
    'a completion with %s is not refused: the stored initiator is unchanged and completedBy is the caller',
    async (name) => {
      const started = await request(h.app)
        .post('/api/processes/leaveRequest/start')
        .set('Authorization', h.bearer(alice))
        .send({ businessKey: uniqueKey('lifecycle-owned') });
      expect(started.status).toBe(201);
      const [task] = await tasksOfInstance(started.body.id);

      const res = await request(h.app)
        .post(`/api/tasks/${task!.id}/complete`)
        .set('Authorization', h.bearer(alice))
        .send({ variables: { confirmed: true, [name]: { value: 'user_someoneElse', type: 'String' } } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: task!.id, processInstanceId: started.body.id, completedBy: alice.id });

      const stored = await storedVariables(started.body.id);
      expect(stored).toMatchObject({ confirmed: true, initiator: alice.id, initiatorName: alice.name, completedBy: alice.id, completedByEmail: alice.email });
      expect(Object.values(stored)).not.toContain('user_someoneElse');
    },
  );
});
