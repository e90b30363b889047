import request from 'supertest';
import { mintMachineToken } from '../support/clerkTokens.js';
import { testSigningKey } from '../support/proxyHarness.js';
import {
  ENGINE_AUTH,
  engineTestUrl,
  engineUnderTest,
  expectEnvelope,
  onEngine,
  startContractProxy,
  testUsers,
  uniqueKey,
  type ContractProxy,
} from '../support/contractHarness.js';

// Where Camunda 7.24 and Operaton 1.0.3 answer differently (README: Supported engines), pinned on
// the engine under test: what reaches a client through the proxy on each engine.
let proxy: ContractProxy;
beforeAll(() => {
  proxy = startContractProxy();
});
afterAll(() => proxy.close());

const onCamunda = engineUnderTest.flavour === 'camunda';
const workerToken = () => mintMachineToken(testSigningKey(), { machineId: 'mch_2invoiceWorkerTESTtestTEST', scopes: ['camunda:worker'] });

describe(onEngine('where Camunda 7.24 and Operaton differ'), () => {
  it("names a task's form reference after the engine: camundaFormRef on Camunda, operatonFormRef on Operaton", async () => {
    const started = await request(proxy.app)
      .post('/api/processes/order/start')
      .set('Authorization', proxy.bearer(testUsers.alice))
      .send({ businessKey: uniqueKey('formref'), variables: { customerName: 'ACME', amount: 1 } });
    expect(started.status).toBe(201);
    const tasks = await request(proxy.app).get(`/api/tasks?processInstanceId=${started.body.id}`).set('Authorization', proxy.bearer(testUsers.alice));
    expect(tasks.status).toBe(200);
    const task = await request(proxy.app).get(`/api/tasks/${tasks.body[0].id}`).set('Authorization', proxy.bearer(testUsers.alice));
    expect(task.status).toBe(200);
    const [own, other] = onCamunda ? ['camundaFormRef', 'operatonFormRef'] : ['operatonFormRef', 'camundaFormRef'];
    for (const answer of [tasks.body[0], task.body]) {
      expect(answer).toHaveProperty(own, null);
      expect(answer).not.toHaveProperty(other);
    }
  });

  // Not a difference between the engines but within each: engine-rest registers two handlers for
  // Jackson's mapping errors, and which one answers is settled per engine start, on both engines.
  it("passes the engine's own 400 to a worker whose /engine-rest body is JSON of the wrong shape, in either of its two forms", async () => {
    const res = await request(proxy.app)
      .post('/engine-rest/external-task/fetchAndLock')
      .set('Authorization', `Bearer ${workerToken()}`)
      .set('Content-Type', 'application/json')
      .send('[]');
    expect(res.status).toBe(400);
    const dto = `org.${engineUnderTest.flavour}.bpm.engine.rest.dto.externaltask.FetchExternalTasksExtendedDto`;
    if (res.headers['content-type'] === 'application/json') {
      expect(JSON.parse(res.text)).toEqual({ type: 'InvalidRequestException', message: '', code: null });
    } else {
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toContain(`Cannot deserialize value of type \`${dto}\` from Array value`);
    }
  });

  // No shipped route asks the engine for HAL (the proxy sends Accept: application/json on /api, and the
  // passthrough opens only the worker's paths), so this is the engine's answer, asked directly.
  it("answers HAL (Accept: application/hal+json) for a task with _links and _embedded, and on Operaton also with links and embedded", async () => {
    const started = await request(proxy.app)
      .post('/api/processes/order/start')
      .set('Authorization', proxy.bearer(testUsers.alice))
      .send({ businessKey: uniqueKey('hal'), variables: { customerName: 'ACME', amount: 1 } });
    expect(started.status).toBe(201);
    const headers = { authorization: `Basic ${Buffer.from(ENGINE_AUTH).toString('base64')}`, accept: 'application/hal+json' };
    const [task] = (await (await fetch(`${engineTestUrl()}/task?processInstanceId=${started.body.id}`, { headers: { ...headers, accept: 'application/json' } })).json()) as { id: string }[];
    const hal = (await (await fetch(`${engineTestUrl()}/task/${task!.id}`, { headers })).json()) as Record<string, unknown>;
    expect(hal).toHaveProperty('_links.self.href', `/task/${task!.id}`);
    expect(hal).toHaveProperty('_embedded.processDefinition');
    if (onCamunda) {
      expect(hal).not.toHaveProperty('links');
      expect(hal).not.toHaveProperty('embedded');
    } else {
      expect(hal).toHaveProperty('links.self.href', `/task/${task!.id}`);
      expect(hal).toHaveProperty('embedded.processDefinition');
    }
  });

  it('answers a wrong-shaped body on /api with its own 400 envelope on either engine', async () => {
    const res = await request(proxy.app)
      .post('/api/processes/order/start')
      .set('Authorization', proxy.bearer(testUsers.alice))
      .set('Content-Type', 'application/json')
      .send('[]');
    expectEnvelope(res, 400, 'invalid_request');
  });
});
