import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Client, Variables } from 'camunda-external-task-client-js';
import { mintMachineToken } from '../support/clerkTokens.js';
import { testSigningKey } from '../support/proxyHarness.js';
import { engineDirect, startContractProxy, tasksOfInstance, testUsers, uniqueKey, type ContractProxy, onEngine } from '../support/contractHarness.js';
import { waitFor } from '../support/processes.js';

// An existing Camunda client, unchanged but for its base URL and a bearer token, through the proxy.
let proxy: ContractProxy;
let server: Server;
let proxyEngineRest: string;
beforeAll(async () => {
  proxy = startContractProxy();
  server = proxy.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  proxyEngineRest = `http://127.0.0.1:${(server.address() as AddressInfo).port}/engine-rest`;
});
afterAll(() => {
  server.close();
  proxy.close();
});

const workerToken = (scopes = ['camunda:worker']) => mintMachineToken(testSigningKey(), { machineId: 'mch_2invoiceWorkerTESTtestTEST', scopes });

async function startInvoice(): Promise<string> {
  const res = await request(proxy.app)
    .post('/api/processes/invoiceWorker/start')
    .set('Authorization', proxy.bearer(testUsers.alice))
    .send({ businessKey: uniqueKey('invoice'), variables: { amount: 420 } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe(onEngine('camunda-external-task-client-js through /engine-rest'), () => {
  it('fetches, locks and completes the external task with variables, and the process moves on', async () => {
    const instanceId = await startInvoice();
    const token = workerToken();
    const client = new Client({
      baseUrl: proxyEngineRest,
      workerId: 'invoice-worker',
      asyncResponseTimeout: 2_000,
      interval: 100,
      interceptors: [(config) => ({ ...config, headers: { ...config.headers, Authorization: `Bearer ${token}` } })],
    });
    const handled: string[] = [];
    client.subscribe('invoice-check', async ({ task, taskService }) => {
      if (task.processInstanceId !== instanceId) return;
      handled.push(String(task.variables.get('amount')));
      await taskService.complete(task, new Variables().set('invoiceChecked', true).set('checkedBy', 'invoice-worker'));
    });
    try {
      const [next] = await waitFor(async () => {
        const tasks = await tasksOfInstance(instanceId);
        return tasks.length > 0 ? tasks : undefined;
      }, 20_000, 'the process to reach reviewInvoice');
      expect(handled).toEqual(['420']);
      expect(next).toMatchObject({ taskDefinitionKey: 'reviewInvoice', assignee: testUsers.alice.id });
      const variables = await engineDirect<Record<string, { value: unknown }>>('GET', `/process-instance/${instanceId}/variables`);
      expect(variables.json.invoiceChecked!.value).toBe(true);
    } finally {
      client.stop();
    }
  });

  it('passes the engine\'s own errors through unchanged for the client to parse', async () => {
    const res = await request(proxy.app)
      .post('/engine-rest/external-task/no-such-task/complete')
      .set('Authorization', `Bearer ${workerToken()}`)
      .send({ workerId: 'invoice-worker' });
    const direct = await engineDirect('POST', '/external-task/no-such-task/complete', { workerId: 'invoice-worker' });
    expect(res.status).toBe(direct.status);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual(direct.json);
    expect(res.body).toMatchObject({ type: 'RestException', message: 'External task with id no-such-task does not exist' });
  });

  it("a worker token without the scope gets 403 with Camunda's type and message, which Camunda clients log", async () => {
    const res = await request(proxy.app)
      .post('/engine-rest/external-task/fetchAndLock')
      .set('Authorization', `Bearer ${workerToken(['something-else'])}`)
      .send({ workerId: 'w', maxTasks: 1, topics: [{ topicName: 'invoice-check', lockDuration: 1000 }] });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ type: 'AuthorizationException', error: 'forbidden' });
    expect(res.body.message).toBe(res.body.detail);
    expect(res.body.message).toContain('worker.fetchAndLock');
  });

  it("the proxy's own 401 and 400 on /engine-rest carry Camunda's type and message too", async () => {
    const unauthenticated = await request(proxy.app).post('/engine-rest/external-task/fetchAndLock').send({});
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body).toMatchObject({ type: 'AuthenticationException', error: 'unauthenticated' });
    expect(unauthenticated.body.message).toBe(unauthenticated.body.detail);
    const unsafe = await request(proxy.app).post('/engine-rest/external-task/%2e%2e/complete').set('Authorization', `Bearer ${workerToken()}`).send({});
    expect(unsafe.status).toBe(400);
    expect(unsafe.body).toMatchObject({ type: 'InvalidRequestException', message: unsafe.body.detail, error: 'invalid_request' });
  });

  it('a user token on a worker path gets 403, and a path not listed gets 403', async () => {
    const fetchBody = { workerId: 'w', maxTasks: 1, topics: [{ topicName: 'invoice-check', lockDuration: 1000 }] };
    await request(proxy.app).post('/engine-rest/external-task/fetchAndLock').set('Authorization', proxy.bearer(testUsers.admin)).send(fetchBody).expect(403);
    await request(proxy.app).get('/engine-rest/process-definition').set('Authorization', `Bearer ${workerToken()}`).expect(403);
  });

  it('long-polls fetchAndLock beyond a short ENGINE_TIMEOUT', async () => {
    const short = startContractProxy({ ENGINE_TIMEOUT: '1' });
    try {
      const started = Date.now();
      const res = await request(short.app)
        .post('/engine-rest/external-task/fetchAndLock')
        .set('Authorization', `Bearer ${workerToken()}`)
        .send({ workerId: 'w', maxTasks: 1, asyncResponseTimeout: 2_500, topics: [{ topicName: 'nobody-publishes-this', lockDuration: 1000 }] });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    } finally {
      short.close();
    }
  });
});
