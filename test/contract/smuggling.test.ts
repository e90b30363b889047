import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import request from 'supertest';
import { engineDirect, startContractProxy, tasksOfInstance, testUsers, uniqueKey, type ContractProxy, type EngineTask, onEngine } from '../support/contractHarness.js';

// One engine socket, so any byte a client could leave on it would meet the proxy's next request.
const { alice, bob } = testUsers;
let proxy: ContractProxy;
let server: Server;
let port = 0;
let victim: { instanceId: string; task: EngineTask };
let attackersTask: EngineTask;

async function startOrderAs(user: typeof alice): Promise<{ instanceId: string; task: EngineTask }> {
  const res = await request(proxy.app)
    .post('/api/processes/order/start')
    .set('Authorization', proxy.bearer(user))
    .send({ businessKey: uniqueKey('smuggle'), variables: { customerName: `${user.firstName}'s order`, amount: 10 } });
  expect(res.status).toBe(201);
  const [task] = await tasksOfInstance(res.body.id);
  return { instanceId: res.body.id, task: task! };
}

/** A raw request on its own connection, as an attacker writes it; resolves with the status line's code. */
function raw(text: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = () => {
      clearTimeout(limit);
      socket.destroy();
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]) || undefined);
    };
    const limit = setTimeout(done, 5_000);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', done);
    socket.on('error', done);
    socket.write(text);
  });
}

const withBody = (head: string, user: typeof alice, contentType: string, body: string) =>
  `${head} HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\nAuthorization: ${proxy.bearer(user)}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const chunked = (head: string, user: typeof alice, body: string) =>
  `${head} HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\nAuthorization: ${proxy.bearer(user)}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
// The start of an engine request whose last header the proxy's next request would complete.
const dangling = (method: string, path: string) => `${method} /engine-rest${path} HTTP/1.1\r\nX-Ignore: `;

beforeAll(async () => {
  proxy = startContractProxy({ ENGINE_MAX_SOCKETS: '1' });
  server = proxy.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
  victim = await startOrderAs(bob);
  attackersTask = (await startOrderAs(alice)).task;
});
afterAll(() => {
  server.close();
  proxy.close();
});

/** After every attempt: the victim's work is untouched, and both users get their own answers. */
async function expectNothingReachedTheVictim(): Promise<void> {
  const instance = await engineDirect<{ id: string; suspended: boolean }>('GET', `/process-instance/${victim.instanceId}`);
  expect(instance.status).toBe(200);
  expect(instance.json.suspended).toBe(false);
  const tasks = await tasksOfInstance(victim.instanceId);
  expect(tasks.map((task) => [task.id, task.assignee])).toEqual([[victim.task.id, bob.id]]);
  const variables = await engineDirect<Record<string, { value: unknown }>>('GET', `/process-instance/${victim.instanceId}/variables`);
  expect(variables.json.initiator?.value).toBe(bob.id);
  expect(variables.json.completedBy).toBeUndefined();

  const alicesNext = await request(proxy.app).get('/api/processes').set('Authorization', proxy.bearer(alice));
  expect(alicesNext.status).toBe(200);
  expect(Array.isArray(alicesNext.body)).toBe(true);
  expect(alicesNext.body.map((definition: { key: string }) => definition.key)).toContain('order');
  const bobsNext = await request(proxy.app).get('/api/tasks').set('Authorization', proxy.bearer(bob));
  expect(bobsNext.status).toBe(200);
  expect(bobsNext.body.map((task: { id: string }) => task.id)).toContain(victim.task.id);
  expect(bobsNext.body.map((task: { id: string }) => task.id)).not.toContain(attackersTask.id);
}

describe(onEngine("a user's body never reaches the engine as a request of its own"), () => {
  // Refused with 400/415, except on unclaim, which takes no body and drops one unread by the engine.
  const attempts: [string, () => string][] = [
    ['reading the victim\'s variables through GET /api/tasks', () => withBody('GET /api/tasks', alice, 'text/plain', dangling('GET', `/process-instance/${victim.instanceId}/variables`))],
    ['listing every task through GET /api/instances, chunked', () => chunked('GET /api/instances', alice, dangling('GET', '/task'))],
    ['reading the engine\'s users through GET /api/tasks, chunked', () => chunked('GET /api/tasks', alice, dangling('GET', '/user'))],
    ['completing the victim\'s task through a text/plain claim', () => withBody(`POST /api/tasks/${attackersTask.id}/claim`, alice, 'text/plain', dangling('POST', `/task/${victim.task.id}/complete`))],
    ['deleting the victim\'s instance through a JSON-typed claim', () => withBody(`POST /api/tasks/${attackersTask.id}/claim`, alice, 'application/json', dangling('DELETE', `/process-instance/${victim.instanceId}`))],
    ['suspending the victim\'s instance through unclaim', () => withBody(`POST /api/tasks/${attackersTask.id}/unclaim`, alice, 'application/json', '{}' + dangling('PUT', `/process-instance/${victim.instanceId}/suspended`))],
    ['answering the victim\'s next request through GET /api/processes', () => withBody('GET /api/processes', alice, 'text/plain', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]')],
  ];

  it.each(attempts)('refuses %s and leaves the victim untouched', async (_what, attack) => {
    const status = await raw(attack());
    expect(_what.includes('unclaim') ? [200, 403, 404] : [400, 415]).toContain(status);
    await expectNothingReachedTheVictim();
  });
});
