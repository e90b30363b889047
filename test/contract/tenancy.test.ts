import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callingProcess, externalTaskProcess, initiatorTaskProcess } from '../support/bpmn.js';
import request from 'supertest';
import { mintMachineToken, testOrgs, type SessionUser } from '../support/clerkTokens.js';
import { testSigningKey } from '../support/proxyHarness.js';
import { startEngine, type RunningEngine } from '../../scripts/engine.js';
import type { InstanceOrg } from '../../src/config/env.js';
import {
  ENGINE_AUTH,
  engineDirect,
  engineTestUrl,
  engineUnderTest,
  expectEnvelope,
  startContractProxy,
  tasksOfInstance,
  testUsers,
  uniqueKey,
  type ContractProxy,
  type EngineTask,
  onEngine,
} from '../support/contractHarness.js';

// acme (org_1): alice and bob (members), manager, admin. globex (org_2): otherAdmin, otherManager, otherMember.
const { alice, bob, manager, admin, otherAdmin, otherManager, otherMember } = testUsers;
type User = SessionUser;
const globexUsers = [['admin', otherAdmin], ['manager', otherManager], ['member', otherMember]] as const;

/**
 * The whole suite runs twice (INSTANCE_ORG): with `stamp` on the suite's engine, which records an
 * instance's organisation only in the proxy's initiatorOrgId variable (or a tenant definition), and
 * with `tenant` on an engine of the same kind with the engine plugin's OrganisationTenants, where the
 * proxy asks for the instance's tenant id alone. Every isolation test holds in both.
 */
let proxy: ContractProxy;
let instanceOrg: InstanceOrg = 'stamp';
/** A proxy of this run's mode on this run's engine, with `env` on top. */
const proxyWith = (env: NodeJS.ProcessEnv = {}) => startContractProxy({ INSTANCE_ORG: instanceOrg, ...env });

const get = (path: string, user: User, on = proxy) => request(on.app).get(path).set('Authorization', on.bearer(user));
const post = (path: string, user: User, body: object = {}, on = proxy) => request(on.app).post(path).set('Authorization', on.bearer(user)).send(body);
const idsOf = (rows: { id: string }[]) => rows.map((row) => row.id);
const run = uniqueKey('tenancy');

async function start(user: User, key: string, variables: object, businessKey = `${run}-${key}-${Math.random().toString(36).slice(2, 8)}`, on = proxy): Promise<string> {
  const res = await post(`/api/processes/${key}/start`, user, { businessKey, variables }, on);
  expect({ status: res.status, body: res.body }).toEqual({ status: 201, body: expect.objectContaining({ id: expect.any(String) }) });
  return res.body.id as string;
}

/** An order of `user` with its review done: the open task is the `managers` approval. */
async function orderAwaitingManagers(user: User): Promise<{ instanceId: string; approveTask: EngineTask }> {
  const instanceId = await start(user, 'order', { customerName: 'ACME', amount: 10 });
  const [review] = await tasksOfInstance(instanceId);
  await post(`/api/tasks/${review!.id}/complete`, user, { variables: { approved: true } }).expect(200);
  const [approveTask] = await tasksOfInstance(instanceId);
  expect(approveTask!.taskDefinitionKey).toBe('approveOrder');
  return { instanceId, approveTask: approveTask! };
}


const deploymentsNamed = async (name: string) =>
  (await engineDirect<{ id: string; tenantId: string | null }[]>('GET', `/deployment?name=${encodeURIComponent(name)}`)).json;

describe.each(['stamp', 'tenant'] as const)(onEngine('INSTANCE_ORG=%s'), (mode) => {
  let ownEngine: RunningEngine | undefined;
  let suiteEngineUrl: string | undefined;
  beforeAll(async () => {
    instanceOrg = mode;
    if (mode === 'tenant') {
      // An engine of the same kind whose shared definitions' instances take the stamped organisation as tenant.
      ownEngine = await startEngine({ flavour: engineUnderTest.flavour, organisationTenants: true });
      suiteEngineUrl = process.env.ENGINE_TEST_URL;
      process.env.ENGINE_TEST_URL = ownEngine.url;
    }
    proxy = proxyWith();
  }, 240_000);
  afterAll(async () => {
    proxy.close();
    if (ownEngine) {
      process.env.ENGINE_TEST_URL = suiteEngineUrl;
      await ownEngine.stop();
    }
  });

  describe("another organisation's work is out of reach", () => {
    let assigned: { instanceId: string; task: EngineTask };
    let candidate: { instanceId: string; approveTask: EngineTask };
    beforeAll(async () => {
      const instanceId = await start(alice, 'order', { customerName: 'ACME', amount: 1 });
      assigned = { instanceId, task: (await tasksOfInstance(instanceId))[0]! };
      candidate = await orderAwaitingManagers(alice);
    });
    const acmeTaskIds = () => [assigned.task.id, candidate.approveTask.id];
    const acmeInstanceIds = () => [assigned.instanceId, candidate.instanceId];

    const listFilters = (): string[] => [
      '',
      `?processInstanceId=${candidate.instanceId}`,
      `?processInstanceId=${assigned.instanceId}`,
      `?assignee=${alice.id}`,
      '?candidateGroups=managers',
      `?candidateUser=${alice.id}`,
      `?tenantIdIn=${testOrgs.acme}`,
      '?withoutTenantId=true',
      '?processDefinitionKey=order',
      `?processInstanceBusinessKeyLike=${run}%25`,
      '?unassigned=true',
    ];
    const instanceFilters = (): string[] => [
      '',
      `?processInstanceIds=${acmeInstanceIds().join(',')}`,
      '?processDefinitionKey=order',
      `?businessKeyLike=${run}%25`,
      `?tenantIdIn=${testOrgs.acme}`,
      '?withoutTenantId=true',
    ];

    describe.each(globexUsers)("globex's %s", (_role, user) => {
      it('sees none of them in the task list, with any filter', async () => {
        for (const filter of listFilters()) {
          const res = await get(`/api/tasks${filter}`, user);
          expect({ filter, status: res.status }).toEqual({ filter, status: 200 });
          for (const id of acmeTaskIds()) expect(idsOf(res.body)).not.toContain(id);
        }
      });

      it('sees none of them in the instance list, with any filter', async () => {
        for (const filter of instanceFilters()) {
          const res = await get(`/api/instances${filter}`, user);
          expect({ filter, status: res.status }).toEqual({ filter, status: 200 });
          for (const id of acmeInstanceIds()) expect(idsOf(res.body)).not.toContain(id);
        }
      });

      it.each([
        ['read the assigned task', () => get(`/api/tasks/${assigned.task.id}`, user)],
        ['read its form', () => get(`/api/tasks/${assigned.task.id}/form`, user)],
        ['read the managers task', () => get(`/api/tasks/${candidate.approveTask.id}`, user)],
        ['read its form', () => get(`/api/tasks/${candidate.approveTask.id}/form`, user)],
        ['complete the assigned task', () => post(`/api/tasks/${assigned.task.id}/complete`, user, { variables: { approved: true } })],
        ['complete the managers task', () => post(`/api/tasks/${candidate.approveTask.id}/complete`, user, { variables: {} })],
        ['claim the managers task', () => post(`/api/tasks/${candidate.approveTask.id}/claim`, user)],
        ['unclaim the assigned task', () => post(`/api/tasks/${assigned.task.id}/unclaim`, user)],
        ['read an instance', () => get(`/api/instances/${candidate.instanceId}`, user)],
        ['read its variables', () => get(`/api/instances/${candidate.instanceId}/variables`, user)],
        ['read the other instance', () => get(`/api/instances/${assigned.instanceId}`, user)],
      ])('cannot %s: 404, as for an id that does not exist', async (_what, call) => {
        const res = await call();
        expectEnvelope(res, 404, 'not_found');
        expect(res.text).not.toContain(alice.id);
      });

      it('gets the same 404 detail for acme\'s task as for no task at all', async () => {
        const hidden = await get(`/api/tasks/${candidate.approveTask.id}`, user);
        const missing = await get('/api/tasks/no-such-task', user);
        expect(hidden.body.detail.replace(candidate.approveTask.id, 'X')).toBe(missing.body.detail.replace('no-such-task', 'X'));
      });
    });

    it('nothing globex tried changed acme\'s work', async () => {
      expect(await tasksOfInstance(assigned.instanceId)).toEqual([expect.objectContaining({ id: assigned.task.id, assignee: alice.id })]);
      expect(await tasksOfInstance(candidate.instanceId)).toEqual([expect.objectContaining({ id: candidate.approveTask.id, assignee: null })]);
      const completedBy = await engineDirect<unknown[]>('GET', `/history/variable-instance?processInstanceId=${assigned.instanceId}&variableName=completedBy`);
      expect(completedBy.json).toEqual([]);
    });

    it("acme's admin sees all of acme's work; acme's manager is a candidate for acme's managers task", async () => {
      expect(idsOf((await get(`/api/tasks?processInstanceBusinessKeyLike=${run}%25`, admin).expect(200)).body)).toEqual(expect.arrayContaining(acmeTaskIds()));
      expect(idsOf((await get(`/api/instances?businessKeyLike=${run}%25`, admin).expect(200)).body)).toEqual(expect.arrayContaining(acmeInstanceIds()));
      await get(`/api/tasks/${assigned.task.id}`, admin).expect(200);
      await get(`/api/instances/${assigned.instanceId}/variables`, admin).expect(200);
      expect(idsOf((await get(`/api/tasks?processInstanceId=${candidate.instanceId}`, manager).expect(200)).body)).toEqual([candidate.approveTask.id]);
    });

    it('the start was stamped with the organisation, and a client cannot set or spoof the stamp', async () => {
      const variables = await get(`/api/instances/${assigned.instanceId}/variables`, alice).expect(200);
      expect(variables.body.initiatorOrgId).toEqual({ type: 'String', value: testOrgs.acme, valueInfo: {} });
      const businessKey = uniqueKey('spoof');
      // A spoofed stamp is left out, not refused (forms echo every variable): the proxy's own wins.
      const res = await post('/api/processes/order/start', otherMember, { businessKey, variables: { initiatorOrgId: testOrgs.acme } });
      expect(res.status).toBe(201);
      const stored = await engineDirect<Record<string, { value: unknown }>>('GET', `/process-instance/${res.body.id}/variables`);
      expect(stored.json.initiatorOrgId?.value).toBe(testOrgs.globex);
      expect(idsOf((await get(`/api/instances?businessKey=${businessKey}`, alice).expect(200)).body)).toEqual([]);
    });
  });

  describe("a shared process started in globex is globex's", () => {
    let started: { instanceId: string; approveTask: EngineTask };
    beforeAll(async () => {
      started = await orderAwaitingManagers(otherMember);
    });

    it("is visible to globex's admin, and globex's managers are its candidates", async () => {
      expect(idsOf((await get('/api/instances?processDefinitionKey=order', otherAdmin).expect(200)).body)).toContain(started.instanceId);
      await get(`/api/instances/${started.instanceId}`, otherAdmin).expect(200);
      expect(idsOf((await get(`/api/tasks?processInstanceId=${started.instanceId}`, otherManager).expect(200)).body)).toEqual([started.approveTask.id]);
      await get(`/api/tasks/${started.approveTask.id}`, otherManager).expect(200);
    });

    it("is out of reach for acme's admin and acme's managers", async () => {
      expect(idsOf((await get('/api/instances?processDefinitionKey=order', admin).expect(200)).body)).not.toContain(started.instanceId);
      expect((await get(`/api/tasks?processInstanceId=${started.instanceId}`, admin).expect(200)).body).toEqual([]);
      expect((await get(`/api/tasks?processInstanceId=${started.instanceId}`, manager).expect(200)).body).toEqual([]);
      expectEnvelope(await get(`/api/instances/${started.instanceId}`, admin), 404, 'not_found');
      expectEnvelope(await post(`/api/tasks/${started.approveTask.id}/claim`, manager), 404, 'not_found');
      expect((await tasksOfInstance(started.instanceId))[0]!.assignee).toBeNull();
    });

    it('the engine records its organisation as the tenant only where OrganisationTenants runs (INSTANCE_ORG=tenant)', async () => {
      const instance = await engineDirect<{ tenantId: string | null }>('GET', `/process-instance/${started.instanceId}`);
      const task = await engineDirect<{ tenantId: string | null }>('GET', `/task/${started.approveTask.id}`);
      const expected = mode === 'tenant' ? testOrgs.globex : null;
      expect({ instance: instance.json.tenantId, task: task.json.tenantId }).toEqual({ instance: expected, task: expected });
    });

    it('a tenantIdIn filter still narrows: another organisation finds nothing, its own finds it', async () => {
      const page = (tenantIdIn: string, user: User) => get(`/api/tasks?processInstanceId=${started.instanceId}&tenantIdIn=${tenantIdIn}`, user).expect(200);
      expect((await page(testOrgs.acme, otherManager)).body).toEqual([]);
      expect((await page(testOrgs.acme, otherAdmin)).body).toEqual([]);
      // A shared definition's instance has the tenant only where OrganisationTenants gave it one.
      expect(idsOf((await page(testOrgs.globex, otherManager)).body)).toEqual(mode === 'tenant' ? [started.approveTask.id] : []);
      const instances = (tenantIdIn: string) => get(`/api/instances?processInstanceIds=${started.instanceId}&tenantIdIn=${tenantIdIn}`, otherAdmin).expect(200);
      expect((await instances(testOrgs.acme)).body).toEqual([]);
      expect(idsOf((await instances(testOrgs.globex)).body)).toEqual(mode === 'tenant' ? [started.instanceId] : []);
    });

    it("globex's manager claims and completes it", async () => {
      await post(`/api/tasks/${started.approveTask.id}/complete`, otherManager, { variables: { managerApproved: true } }).expect(200);
      expect(await tasksOfInstance(started.instanceId)).toEqual([]);
    });
  });

  describe('an instance a shared process starts through a call activity', () => {
    const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const parentKey = `callsChild${suffix}`;
    const childKey = `calledChild${suffix}`;
    let child: { id: string; tenantId: string | null };
    let childTask: EngineTask;
    beforeAll(async () => {
      // Shared definitions, deployed on the engine without a tenant, as a platform operator's are.
      await deployShared(parentKey, callingProcess(parentKey, childKey));
      await deployShared(childKey, initiatorTaskProcess(childKey, 'Shared'));
      const parentId = await start(alice, parentKey, {});
      child = (await engineDirect<{ id: string; tenantId: string | null }[]>('GET', `/process-instance?superProcessInstance=${parentId}`)).json[0]!;
      childTask = (await tasksOfInstance(child.id))[0]!;
    });

    it("takes its parent's organisation as tenant where OrganisationTenants runs", () => {
      expect(child.tenantId).toBe(mode === 'tenant' ? testOrgs.acme : null);
      expect(childTask.assignee).toBe(alice.id);
    });

    it('is its organisation\'s with INSTANCE_ORG=tenant; with the stamp, which the call activity does not pass on, it is nobody\'s', async () => {
      expect(idsOf((await get(`/api/tasks?processInstanceId=${child.id}`, alice).expect(200)).body)).toEqual(mode === 'tenant' ? [childTask.id] : []);
      expect(idsOf((await get(`/api/instances?processInstanceIds=${child.id}`, admin).expect(200)).body)).toEqual(mode === 'tenant' ? [child.id] : []);
    });

    it('is never another organisation\'s', async () => {
      expect((await get(`/api/tasks?processInstanceId=${child.id}`, otherAdmin).expect(200)).body).toEqual([]);
      expect((await get(`/api/instances?processInstanceIds=${child.id}`, otherAdmin).expect(200)).body).toEqual([]);
      expectEnvelope(await get(`/api/tasks/${childTask.id}`, otherAdmin), 404, 'not_found');
    });
  });

  describe('a process deployed through POST /api/deployments by globex', () => {
    const key = `globexOwn${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const deploymentName = uniqueKey('globex-deployment');
    let deployment: { id: string; tenantId: string };
    let instanceId: string;

    const upload = (user: User, name = deploymentName, extra: (form: request.Test) => request.Test = (form) => form) =>
      extra(request(proxy.app).post('/api/deployments').set('Authorization', proxy.bearer(user)).field('deployment-name', name)).attach('data', Buffer.from(initiatorTaskProcess(key, 'Globex')), `${key}.bpmn`);

    beforeAll(async () => {
      const res = await upload(otherAdmin, deploymentName, (form) => form.field('tenant-id', testOrgs.acme));
      expect({ status: res.status, text: res.text }).toEqual({ status: 201, text: expect.any(String) });
      deployment = res.body;
    });

    it('carries tenant globex, whatever tenant the upload named, and no engine URL', async () => {
      expect(deployment.tenantId).toBe(testOrgs.globex);
      expect(await deploymentsNamed(deploymentName)).toEqual([expect.objectContaining({ id: deployment.id, tenantId: testOrgs.globex })]);
      expect(JSON.stringify(deployment)).not.toContain(proxy.engineUrl);
      expect(Object.keys(deployment)).not.toContain('links');
    });

    it('is listed to globex and not to acme', async () => {
      const listed = async (user: User) => (await get('/api/processes', user).expect(200)).body.map((d: { key: string }) => d.key);
      expect(await listed(otherMember)).toEqual(expect.arrayContaining([key, 'order']));
      expect(await listed(alice)).toContain('order');
      expect(await listed(alice)).not.toContain(key);
      expect(await listed(admin)).not.toContain(key);
      const widened = await get(`/api/processes?tenantIdIn=${testOrgs.globex}`, alice).expect(200);
      expect(widened.body.map((d: { key: string }) => d.key)).not.toContain(key);
    });

    it('is read and started by key in globex; its instance has tenant globex', async () => {
      expect((await get(`/api/processes/${key}`, otherMember).expect(200)).body).toMatchObject({ key, tenantId: testOrgs.globex });
      await get(`/api/processes/${key}/form`, otherMember).expect(200);
      instanceId = await start(otherMember, key, { note: 'ours' });
      const instance = await engineDirect<{ tenantId: string }>('GET', `/process-instance/${instanceId}`);
      expect(instance.json.tenantId).toBe(testOrgs.globex);
      expect(idsOf((await get(`/api/instances?processDefinitionKey=${key}`, otherAdmin).expect(200)).body)).toEqual([instanceId]);
    });

    it('is as unknown to acme as a key that does not exist: 404, nothing started', async () => {
      const unknown = await get('/api/processes/noSuchKeyAnywhere', alice);
      for (const call of [() => get(`/api/processes/${key}`, alice), () => get(`/api/processes/${key}/form`, admin), () => post(`/api/processes/${key}/start`, admin, { variables: {} })]) {
        const res = await call();
        expect(expectEnvelope(res, 404, 'not_found').detail.replace(key, 'K')).toBe(unknown.body.detail.replace('noSuchKeyAnywhere', 'K'));
      }
      expect((await engineDirect<unknown[]>('GET', `/process-instance?processDefinitionKey=${key}`)).json).toHaveLength(1);
    });

    it("a globex member or manager may not deploy; acme's admin deploys for acme only", async () => {
      for (const user of [otherMember, otherManager]) expectEnvelope(await upload(user, `${deploymentName}-denied`), 403, 'forbidden');
      expect(await deploymentsNamed(`${deploymentName}-denied`)).toEqual([]);
      const acme = await upload(admin, `${deploymentName}-acme`).expect(201);
      expect(acme.body.tenantId).toBe(testOrgs.acme);
    });

    it('refuses a non-multipart body, an upload without files and a file that is not a model, with 400 and nothing deployed', async () => {
      const json = await request(proxy.app).post('/api/deployments').set('Authorization', proxy.bearer(otherAdmin)).send({ 'deployment-name': `${deploymentName}-bad` });
      expect(expectEnvelope(json, 400, 'invalid_request').detail).toContain('multipart/form-data');
      const empty = await request(proxy.app).post('/api/deployments').set('Authorization', proxy.bearer(otherAdmin)).field('deployment-name', `${deploymentName}-bad`);
      expect(expectEnvelope(empty, 400, 'invalid_request').detail).toContain('no files');
      const script = await request(proxy.app).post('/api/deployments').set('Authorization', proxy.bearer(otherAdmin)).field('deployment-name', `${deploymentName}-bad`).attach('data', Buffer.from('x'), 'run.groovy');
      expect(expectEnvelope(script, 400, 'invalid_request').detail).toContain('not deployable');
      expect(await deploymentsNamed(`${deploymentName}-bad`)).toEqual([]);
    });

    it('refuses an upload over DEPLOYMENT_LIMIT with 413', async () => {
      const small = proxyWith({ DEPLOYMENT_LIMIT: '1kb' });
      try {
        const res = await request(small.app)
          .post('/api/deployments')
          .set('Authorization', small.bearer(otherAdmin))
          .field('deployment-name', `${deploymentName}-big`)
          .attach('data', Buffer.from(initiatorTaskProcess(key, 'Globex') + ' '.repeat(2048)), `${key}.bpmn`);
        expectEnvelope(res, 413, 'payload_too_large');
        expect(await deploymentsNamed(`${deploymentName}-big`)).toEqual([]);
      } finally {
        small.close();
      }
    });
  });

  describe('paging a filtered list with maxResults=1', () => {
    const pagingRun = uniqueKey('paging');
    const mine: Record<'acme' | 'globex', string[]> = { acme: [], globex: [] };
    beforeAll(async () => {
      for (const [org, user] of [['acme', alice], ['globex', otherMember], ['acme', bob], ['globex', otherMember], ['globex', otherMember]] as const) {
        mine[org].push(await start(user, 'leaveRequest', { days: 1 }, `${pagingRun}-${mine[org].length}-${org}`));
      }
    });

    async function walk(path: string, user: User): Promise<string[]> {
      const seen: string[] = [];
      for (let first = 0; first < 20; first++) {
        const page = (await get(`${path}&firstResult=${first}&maxResults=1`, user).expect(200)).body as { id: string; processInstanceId?: string }[];
        expect(page.length).toBeLessThanOrEqual(1);
        if (page.length === 0) return seen;
        seen.push(page[0]!.processInstanceId ?? page[0]!.id);
      }
      throw new Error('paging did not end');
    }

    it.each([
      ['globex', otherAdmin],
      ['acme', admin],
    ] as const)("walks exactly %s's instances, one page at a time", async (org, user) => {
      expect((await walk(`/api/instances?businessKeyLike=${pagingRun}%25&sortBy=instanceId&sortOrder=asc`, user)).sort()).toEqual([...mine[org]].sort());
    });

    it("walks exactly the caller's tasks", async () => {
      const tasks = await walk(`/api/tasks?processInstanceBusinessKeyLike=${pagingRun}%25&sortBy=id&sortOrder=asc`, otherMember);
      expect(tasks.sort()).toEqual([...mine.globex].sort());
      expect(await walk(`/api/tasks?processInstanceBusinessKeyLike=${pagingRun}%25&sortBy=id&sortOrder=asc`, otherAdmin)).toHaveLength(mine.globex.length);
    });
  });

  describe('sessions without an active organisation', () => {
    const personal = { ...alice, orgId: undefined, orgSlug: undefined, orgRole: undefined };
    let acmeInstance: string;
    beforeAll(async () => {
      acmeInstance = (await orderAwaitingManagers(bob)).instanceId;
    });

    it('see only what they started or hold: no groups, no admin, no organisation definitions', async () => {
      const instanceId = await start(personal, 'leaveRequest', { days: 2 });
      const variables = await get(`/api/instances/${instanceId}/variables`, personal).expect(200);
      expect(Object.keys(variables.body)).not.toContain('initiatorOrgId');
      expect(idsOf((await get('/api/instances?processDefinitionKey=leaveRequest', personal).expect(200)).body)).toContain(instanceId);
      const [task] = await tasksOfInstance(instanceId);
      expect(idsOf((await get(`/api/tasks?processInstanceId=${instanceId}`, personal).expect(200)).body)).toEqual([task!.id]);
      expectEnvelope(await get(`/api/instances/${acmeInstance}`, personal), 404, 'not_found');
      expect((await get(`/api/tasks?processInstanceId=${acmeInstance}`, personal).expect(200)).body).toEqual([]);
      const keys = (await get('/api/processes', personal).expect(200)).body.map((d: { tenantId: string | null }) => d.tenantId);
      expect(keys.every((tenantId: string | null) => tenantId === null)).toBe(true);
    });

    it('are refused with 403 "select an organisation" under PERSONAL_ACCOUNTS=refuse, before the engine is asked', async () => {
      const refusing = proxyWith({ PERSONAL_ACCOUNTS: 'refuse' });
      try {
        const businessKey = uniqueKey('refused');
        const res = await post('/api/processes/leaveRequest/start', personal, { businessKey, variables: { days: 1 } }, refusing);
        expect(expectEnvelope(res, 403, 'forbidden').detail).toBe('select an organisation');
        expect((await refusing.servedBy(res)).engineStatus).toBeNull();
        expect((await engineDirect<unknown[]>('GET', `/history/process-instance?processInstanceBusinessKey=${businessKey}`)).json).toEqual([]);
        expectEnvelope(await get('/api/tasks', personal, refusing), 403, 'forbidden');
        await get('/api/tasks', alice, refusing).expect(200);
      } finally {
        refusing.close();
      }
    });
  });

  describe('TENANCY=off', () => {
    let single: ContractProxy;
    beforeAll(() => {
      single = proxyWith({ TENANCY: 'off' });
    });
    afterAll(() => single.close());

    it("is one organisation, as before: any org's admin sees everything and the managers group is shared", async () => {
      const { instanceId, approveTask } = await orderAwaitingManagers(alice);
      expect(idsOf((await get(`/api/instances?businessKeyLike=${run}%25`, otherAdmin, single).expect(200)).body)).toContain(instanceId);
      await get(`/api/instances/${instanceId}/variables`, otherAdmin, single).expect(200);
      expect(idsOf((await get(`/api/tasks?processInstanceId=${instanceId}`, otherManager, single).expect(200)).body)).toEqual([approveTask.id]);
      await get(`/api/tasks/${approveTask.id}`, otherManager, single).expect(200);
      expectEnvelope(await get(`/api/tasks/${approveTask.id}`, otherMember, single), 404, 'not_found');
    });

    it('does not stamp the organisation on start', async () => {
      const instanceId = await start(alice, 'leaveRequest', { days: 1 }, uniqueKey('single'), single);
      const variables = await get(`/api/instances/${instanceId}/variables`, alice, single).expect(200);
      expect(Object.keys(variables.body).sort()).toEqual(['days', 'initiator', 'initiatorEmail', 'initiatorName']);
    });
  });

  describe('a worker pinned to a tenant on /engine-rest', () => {
    const key = `pinnedWork${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const topic = `${key}-topic`;
    const routesFile = join(tmpdir(), `routes-tenancy-${process.pid}.json`);
    const instances: Record<'acme' | 'globex', string> = { acme: '', globex: '' };
    let pinned: ContractProxy;
    const machine = () => mintMachineToken(testSigningKey(), { machineId: 'mch_2globexWorkerTESTtestTEST', scopes: ['camunda:worker'] });
    const fetchAndLock = (on: ContractProxy, body: unknown) =>
      request(on.app).post('/engine-rest/external-task/fetchAndLock').set('Authorization', `Bearer ${machine()}`).set('Content-Type', 'application/json').send(JSON.stringify(body));

    beforeAll(async () => {
      const shipped = JSON.parse(readFileSync('routes.config.json', 'utf8')) as { passthrough: { id: string; tenants?: string[] }[] };
      for (const rule of shipped.passthrough) if (rule.id.startsWith('worker.')) rule.tenants = [testOrgs.globex];
      writeFileSync(routesFile, JSON.stringify(shipped));
      pinned = proxyWith({ ROUTES_CONFIG: routesFile });
      for (const [org, deployer, starter] of [['acme', admin, alice], ['globex', otherAdmin, otherMember]] as const) {
        await request(proxy.app).post('/api/deployments').set('Authorization', proxy.bearer(deployer)).field('deployment-name', uniqueKey(key)).attach('data', Buffer.from(externalTaskProcess(key, topic)), `${key}.bpmn`).expect(201);
        instances[org] = await start(starter, key, {});
      }
    });
    afterAll(() => pinned.close());

    it("fetches only its tenant's external tasks, whatever tenants the worker asks for", async () => {
      const res = await fetchAndLock(pinned, { workerId: `${key}-worker`, maxTasks: 10, topics: [{ topicName: topic, lockDuration: 60_000, tenantIdIn: [testOrgs.acme], withoutTenantId: true }] });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([expect.objectContaining({ processInstanceId: instances.globex, tenantId: testOrgs.globex })]);
      const acmeTask = await engineDirect<{ lockExpirationTime: string | null }[]>('GET', `/external-task?processInstanceId=${instances.acme}`);
      expect(acmeTask.json).toEqual([expect.objectContaining({ lockExpirationTime: null })]);
    });

    it('refuses a fetchAndLock body that is not a JSON object with topics: 400, the engine is not asked', async () => {
      const res = await fetchAndLock(pinned, ['not', 'an', 'object']);
      // On /engine-rest the envelope also carries Camunda's own fields, which Camunda clients log.
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_request', type: 'InvalidRequestException', message: expect.stringContaining('fetchAndLock') });
      expect((await pinned.servedBy(res)).engineStatus).toBeNull();
    });

    it('a worker without a pin keeps reaching every tenant', async () => {
      const res = await fetchAndLock(proxy, { workerId: `${key}-free`, maxTasks: 10, topics: [{ topicName: topic, lockDuration: 60_000 }] });
      expect(res.status).toBe(200);
      expect(res.body.map((task: { processInstanceId: string }) => task.processInstanceId)).toEqual([instances.acme]);
    });

    const externalTaskOf = async (instanceId: string) =>
      (await engineDirect<{ id: string; workerId: string | null; lockExpirationTime: string | null }[]>('GET', `/external-task?processInstanceId=${instanceId}`)).json[0]!;
    const act = (on: ContractProxy, id: string, action: string, body: object) =>
      request(on.app).post(`/engine-rest/external-task/${id}/${action}`).set('Authorization', `Bearer ${machine()}`).set('Content-Type', 'application/json').send(JSON.stringify(body));

    it("cannot unlock, complete, fail or extend another tenant's external task: 404 as for an unknown id, and the lock stays", async () => {
      const acmeTask = await externalTaskOf(instances.acme);
      expect(acmeTask.workerId).toBe(`${key}-free`);
      for (const [action, body] of [['unlock', {}], ['complete', { workerId: `${key}-free` }], ['failure', { workerId: `${key}-free`, errorMessage: 'x' }], ['extendLock', { workerId: `${key}-free`, newDuration: 1 }], ['bpmnError', { workerId: `${key}-free`, errorCode: 'x' }]] as const) {
        const res = await act(pinned, acmeTask.id, action, body);
        expect({ action, status: res.status, body: res.body }).toEqual({ action, status: 404, body: expect.objectContaining({ error: 'not_found', type: 'NotFoundException' }) });
        expect((await pinned.servedBy(res)).engineStatus).toBeNull();
      }
      expect(await externalTaskOf(instances.acme)).toEqual(acmeTask);
    });

    it("still acts on its own tenant's external tasks", async () => {
      const globexTask = await externalTaskOf(instances.globex);
      expect(globexTask.workerId).toBe(`${key}-worker`);
      expect((await act(pinned, globexTask.id, 'unlock', {})).status).toBe(204);
      expect((await externalTaskOf(instances.globex)).lockExpirationTime).toBeNull();
    });
  });
});

/** Deploys a BPMN on the engine itself, without a tenant: a shared definition. */
async function deployShared(key: string, bpmn: string): Promise<void> {
  const form = new FormData();
  form.set('deployment-name', uniqueKey(key));
  form.set('data', new Blob([bpmn]), `${key}.bpmn`);
  const res = await fetch(`${engineTestUrl()}/deployment/create`, { method: 'POST', body: form, headers: { authorization: `Basic ${Buffer.from(ENGINE_AUTH).toString('base64')}` } });
  expect(res.status).toBe(200);
}
