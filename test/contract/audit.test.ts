/**
 * The audit trail against the real engine: each action through the proxy leaves one record naming
 * the user, the organisation and the engine objects; refusals are recorded as refused; an
 * organisation's administrator reads its own records only.
 */
import request from 'supertest';
import { mintMachineToken, testOrgs, type SessionUser } from '../support/clerkTokens.js';
import { testSigningKey } from '../support/proxyHarness.js';
import { engineDirect, onEngine, startContractProxy, tasksOfInstance, testUsers, uniqueKey, type ContractProxy } from '../support/contractHarness.js';
import type { AuditRecord } from '../../src/audit/auditRecord.js';

const { alice, bob, manager, admin, otherAdmin } = testUsers;
let h: ContractProxy;
beforeAll(() => {
  h = startContractProxy();
});
afterAll(() => h.close());

const call = (method: 'post' | 'delete', path: string, user: SessionUser, body: object = {}) => request(h.app)[method](path).set('Authorization', h.bearer(user)).send(body);

/** The one record of the request that answered `res` (written when its answer closed). */
async function recordOf(res: request.Response): Promise<AuditRecord> {
  const requestId = res.headers['x-request-id'] as string;
  for (let i = 0; i < 100; i += 1) {
    const records = h.audited.filter((record) => record.requestId === requestId);
    if (records.length > 0) {
      expect(records).toHaveLength(1);
      return records[0]!;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no audit record for request ${requestId}`);
}

describe(onEngine('each action leaves one audit record with the user, the organisation and the engine objects'), () => {
  let instanceId: string;
  let taskId: string;

  it('start', async () => {
    const res = await call('post', '/api/processes/order/start', alice, { businessKey: uniqueKey('audit'), variables: { customerName: 'ACME', amount: 5 } }).expect(201);
    instanceId = res.body.id;
    expect(await recordOf(res)).toMatchObject({
      userId: alice.id,
      orgId: testOrgs.acme,
      routeId: 'process.start',
      status: 201,
      outcome: 'done',
      objects: { processDefinitionKey: 'order', processInstanceId: instanceId },
      variables: ['customerName', 'amount'],
    });
  });

  it('complete, then claim and unclaim', async () => {
    taskId = (await tasksOfInstance(instanceId))[0]!.id;
    const complete = await call('post', `/api/tasks/${taskId}/complete`, alice, { variables: { approved: true } }).expect(200);
    expect(await recordOf(complete)).toMatchObject({ userId: alice.id, orgId: testOrgs.acme, routeId: 'task.complete', outcome: 'done', objects: { taskId }, variables: ['approved'] });
    // The order moves on to the managers' approval, which a manager claims and hands back.
    const approveTaskId = (await tasksOfInstance(instanceId))[0]!.id;
    const claim = await call('post', `/api/tasks/${approveTaskId}/claim`, manager).expect(200);
    expect(await recordOf(claim)).toMatchObject({ userId: manager.id, orgId: testOrgs.acme, routeId: 'task.claim', outcome: 'done', objects: { taskId: approveTaskId } });
    const unclaim = await call('post', `/api/tasks/${approveTaskId}/unclaim`, manager).expect(200);
    expect(await recordOf(unclaim)).toMatchObject({ userId: manager.id, routeId: 'task.unclaim', outcome: 'done', objects: { taskId: approveTaskId } });
  });

  it('suspend, activate and delete', async () => {
    for (const [path, routeId] of [
      [`/api/instances/${instanceId}/suspend`, 'instance.suspend'],
      [`/api/instances/${instanceId}/activate`, 'instance.activate'],
    ] as const) {
      const res = await call('post', path, alice).expect(200);
      expect(await recordOf(res)).toMatchObject({ userId: alice.id, orgId: testOrgs.acme, routeId, outcome: 'done', objects: { processInstanceId: instanceId } });
    }
    const deleted = await call('delete', `/api/instances/${instanceId}`, alice).expect(200);
    expect(await recordOf(deleted)).toMatchObject({ userId: alice.id, routeId: 'instance.delete', outcome: 'done', objects: { processInstanceId: instanceId } });
    expect((await engineDirect('GET', `/process-instance/${instanceId}`)).status).toBe(404);
  });

  it('deploy', async () => {
    const key = `audited${Date.now().toString(36)}`;
    const bpmn = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_${key}" targetNamespace="http://local.testengine/audit">
  <bpmn:process id="${key}" isExecutable="true" camunda:historyTimeToLive="P1D"><bpmn:startEvent id="s" /></bpmn:process>
</bpmn:definitions>`;
    const res = await request(h.app).post('/api/deployments').set('Authorization', h.bearer(admin)).field('deployment-name', uniqueKey('audit')).attach('data', Buffer.from(bpmn), `${key}.bpmn`).expect(201);
    expect(await recordOf(res)).toMatchObject({ userId: admin.id, orgId: testOrgs.acme, routeId: 'deployments.create', status: 201, outcome: 'done', objects: { deploymentId: res.body.id } });
  });

  it('a passthrough write by a machine (an external task worker)', async () => {
    await call('post', '/api/processes/invoiceWorker/start', alice, { businessKey: uniqueKey('audit-invoice'), variables: { amount: 1 } }).expect(201);
    const worker = `Bearer ${mintMachineToken(testSigningKey(), { machineId: 'mch_2auditWorkerTESTtestTESTte', scopes: ['camunda:worker'] })}`;
    const locked = await request(h.app)
      .post('/engine-rest/external-task/fetchAndLock')
      .set('Authorization', worker)
      .send({ workerId: 'audit-worker', maxTasks: 1, topics: [{ topicName: 'invoice-check', lockDuration: 10_000 }] })
      .expect(200);
    expect(await recordOf(locked)).toMatchObject({ userId: null, orgId: null, machineId: 'mch_2auditWorkerTESTtestTESTte', routeId: 'worker.fetchAndLock', outcome: 'done' });
    const externalTaskId = (locked.body as { id: string }[])[0]!.id;
    const done = await request(h.app).post(`/engine-rest/external-task/${externalTaskId}/complete`).set('Authorization', worker).send({ workerId: 'audit-worker' }).expect(204);
    expect(await recordOf(done)).toMatchObject({ machineId: 'mch_2auditWorkerTESTtestTESTte', routeId: 'worker.complete', status: 204, outcome: 'done', objects: { externalTaskId } });
  });
});

describe(onEngine('refused attempts are recorded as refused, and the engine did nothing'), () => {
  it("bob may not complete alice's task: 404, refused", async () => {
    const res = await call('post', '/api/processes/order/start', alice, { businessKey: uniqueKey('audit-refused') }).expect(201);
    const [task] = await tasksOfInstance(res.body.id);
    const refused = await call('post', `/api/tasks/${task!.id}/complete`, bob, { variables: { approved: false } }).expect(404);
    expect(await recordOf(refused)).toMatchObject({ userId: bob.id, orgId: testOrgs.acme, routeId: 'task.complete', status: 404, outcome: 'refused', objects: { taskId: task!.id } });
    expect((await tasksOfInstance(res.body.id)).map((t) => t.id)).toEqual([task!.id]);
  });

  it('a member may not deploy: 403, refused', async () => {
    const refused = await request(h.app).post('/api/deployments').set('Authorization', h.bearer(bob)).field('deployment-name', 'nope').attach('data', Buffer.from('<x/>'), 'x.bpmn').expect(403);
    expect(await recordOf(refused)).toMatchObject({ userId: bob.id, routeId: 'deployments.create', status: 403, outcome: 'refused' });
  });
});

describe(onEngine('GET /api/audit on the real engine'), () => {
  it("an organisation's admin reads their organisation's records; another organisation's admin cannot read them", async () => {
    const res = await call('post', '/api/processes/order/start', alice, { businessKey: uniqueKey('audit-read') }).expect(201);
    const instanceId = res.body.id as string;
    await recordOf(res);
    const asAdmin = await request(h.app).get(`/api/audit?objectId=${instanceId}`).set('Authorization', h.bearer(admin)).expect(200);
    expect(asAdmin.body).toEqual([expect.objectContaining({ userId: alice.id, orgId: testOrgs.acme, objects: expect.objectContaining({ processInstanceId: instanceId }) })]);
    const asOtherAdmin = await request(h.app).get(`/api/audit?objectId=${instanceId}`).set('Authorization', h.bearer(otherAdmin)).expect(200);
    expect(asOtherAdmin.body).toEqual([]);
    await request(h.app).get('/api/audit').set('Authorization', h.bearer(alice)).expect(403);
  });
});
