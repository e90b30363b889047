import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import request, { type Response } from 'supertest';
import { loadConfig } from '../../src/config/env.js';
import { createLogger, type LogSink } from '../../src/http/log.js';
import { startTracing } from '../../src/tracing/tracing.js';
import { reportingOutages } from '../../src/tracing/openTelemetry.js';
import { ExportResultCode } from '@opentelemetry/core';
import { freePort } from '../../scripts/engine.js';
import { mintMachineToken, mintSessionToken, testUsers } from '../support/clerkTokens.js';
import { startEngineStandIn } from '../support/engineStandIn.js';
import { isAlive, spawnProcess, waitFor } from '../support/processes.js';
import { serverProcessEnv } from '../support/proxyEnv.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlpReceiver.js';
import { baseEnv, startProxyHarness, testSigningKey, type ProxyHarness } from '../support/proxyHarness.js';

const alice = testUsers.alice;
const TASK = 'task-1';
const aliceTask = { id: TASK, name: 'Approve order', assignee: alice.id, processInstanceId: 'instance-1', tenantId: null };
const SERVER = 2;
const CLIENT = 3;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Every line the proxy's logs wrote, parsed. */
function memorySink(): LogSink & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    write(text: string) {
      // The access log's lines only: audit records share the sink.
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg !== 'audit') lines.push(entry);
      }
    },
  };
}

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(() => receiver.stop());

/** The real app exporting to the loopback receiver as OTLP/HTTP JSON; its access log and log kept in memory. */
async function tracedProxy(env: NodeJS.ProcessEnv = {}): Promise<{ h: ProxyHarness; accessLog: Record<string, unknown>[]; log: Record<string, unknown>[] }> {
  const accessLog = memorySink();
  const log = memorySink();
  const h = await startProxyHarness(
    { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', LOG_LEVEL: 'info', ...env },
    { deps: { accessLogSink: accessLog, log: createLogger('info', log) } },
  );
  h.engine.answer('POST', '/engine-rest/task', { status: 200, body: [aliceTask] });
  return { h, accessLog: accessLog.lines, log: log.lines };
}

const serverSpanOf = (res: Response): ReceivedSpan => {
  const found = receiver.spans.filter((span) => span.kind === SERVER && span.attributes['proxy.request_id'] === res.headers['x-request-id']);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const childrenOf = (parent: ReceivedSpan) => receiver.spans.filter((span) => span.parentSpanId === parent.spanId);

describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it('a task list, a task read and a complete: one trace each, the engine calls as child spans, the traceparent sent to the engine', async () => {
    const { h, accessLog } = await tracedProxy();
    const token = h.bearer(alice);
    const list = await request(h.app).get('/api/tasks?sortBy=created&sortOrder=desc').set('Authorization', token).expect(200);
    const read = await request(h.app).get(`/api/tasks/${TASK}`).set('Authorization', token).expect(200);
    const complete = await request(h.app).post(`/api/tasks/${TASK}/complete`).set('Authorization', token).send({ variables: {} }).expect(200);
    const engineRequests = [...h.engine.requests];
    // close() sends what the batch processor still holds: nothing is exported before it.
    await h.close();

    const expected: [Response, string, string, string, string[]][] = [
      [list, 'GET', 'tasks.list', '/api/tasks', ['engine.forward']],
      [read, 'GET', 'tasks.get', `/api/tasks/${TASK}`, ['engine.forward']],
      // The access check (the proxy's own question), then the complete itself.
      [complete, 'POST', 'task.complete', `/api/tasks/${TASK}/complete`, ['engine.query', 'engine.forward']],
    ];
    const traceIds = new Set<string>();
    for (const [res, method, route, path, childNames] of expected) {
      const server = serverSpanOf(res);
      traceIds.add(server.traceId);
      expect(server).toMatchObject({
        name: `${method} ${route}`,
        parentSpanId: '',
        attributes: {
          'proxy.route': route,
          'http.request.method': method,
          'url.path': path,
          'http.response.status_code': 200,
          'user.hash': sha256(alice.id),
        },
        resource: { 'service.name': 'clerk-camunda-proxy' },
      });
      const children = childrenOf(server);
      expect(children.map((child) => child.name)).toEqual(childNames);
      for (const child of children) {
        expect(child).toMatchObject({ traceId: server.traceId, kind: CLIENT, attributes: { 'http.response.status_code': expect.any(Number), 'server.address': '127.0.0.1' } });
        expect(String(child.attributes['url.path'])).toMatch(/^\/engine-rest\/task/);
      }
      // Each engine request carried the traceparent of its own span.
      const sent = engineRequests.filter((seen) => seen.headers['x-request-id'] === res.headers['x-request-id']).map((seen) => seen.headers.traceparent);
      expect(sent).toEqual(children.map((child) => `00-${server.traceId}-${child.spanId}-01`));
      // The access log line names the request and its trace together.
      expect(accessLog.find((line) => line.requestId === res.headers['x-request-id'])).toMatchObject({ traceId: server.traceId, route });
    }
    expect(traceIds.size).toBe(3);
    expect(receiver.spans).toHaveLength(7);
  });

  it("a worker's fetchAndLock on the passthrough: its rule id, the machine's hash, the forwarded call as a child", async () => {
    const { h } = await tracedProxy();
    h.engine.answer('POST', '/engine-rest/external-task/fetchAndLock', { status: 200, body: [] });
    const res = await request(h.app)
      .post('/engine-rest/external-task/fetchAndLock')
      .set('Authorization', `Bearer ${mintMachineToken(h.key, { machineId: 'mch_2invoiceWorker', scopes: ['camunda:worker'] })}`)
      .set('Content-Type', 'application/json')
      .send({ workerId: 'w1', maxTasks: 1, topics: [{ topicName: 'invoice-check', lockDuration: 10000 }] })
      .expect(200);
    const [engineRequest] = h.engine.requests;
    await h.close();
    const server = serverSpanOf(res);
    expect(server).toMatchObject({ name: 'POST worker.fetchAndLock', attributes: { 'proxy.route': 'worker.fetchAndLock', 'user.hash': sha256('mch_2invoiceWorker') } });
    const [forward] = childrenOf(server);
    expect(forward).toMatchObject({ name: 'engine.forward', attributes: { 'url.path': '/engine-rest/external-task/fetchAndLock', 'http.response.status_code': 200 } });
    expect(engineRequest!.headers.traceparent).toBe(`00-${server.traceId}-${forward!.spanId}-01`);
  });

  it('exports the user as a hash: never the token, the e-mail or the id', async () => {
    const { h } = await tracedProxy();
    const token = h.tokenFor(alice);
    await request(h.app).get(`/api/tasks/${TASK}`).set('Authorization', `Bearer ${token}`).expect(200);
    await h.close();
    const exported = receiver.exports.map((sent) => sent.body).join('\n');
    expect(exported).toContain(sha256(alice.id));
    expect(exported).not.toContain(token);
    expect(exported).not.toContain(token.split('.')[1]!);
    expect(exported).not.toContain(alice.email);
    expect(exported).not.toContain(alice.id);
    expect(exported).not.toContain('Basic ');
  });

  it("continues a client's traceparent; its tracestate and baggage never reach the engine", async () => {
    const { h } = await tracedProxy();
    const clientTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const clientSpan = '00f067aa0ba902b7';
    const res = await request(h.app)
      .get(`/api/tasks/${TASK}`)
      .set('Authorization', h.bearer(alice))
      .set('traceparent', `00-${clientTrace}-${clientSpan}-00`)
      .set('tracestate', 'vendor=client-chosen')
      .set('baggage', 'userId=someone-else')
      .expect(200);
    const [engineRequest] = h.engine.requests;
    await h.close();

    const server = serverSpanOf(res);
    expect(server).toMatchObject({ traceId: clientTrace, parentSpanId: clientSpan });
    const [forward] = childrenOf(server);
    // Recorded and sampled whatever flag the client sent: the proxy decides what it traces.
    expect(engineRequest!.headers.traceparent).toBe(`00-${clientTrace}-${forward!.spanId}-01`);
    expect(engineRequest!.headers).not.toHaveProperty('tracestate');
    expect(engineRequest!.headers).not.toHaveProperty('baggage');
  });

  it("lets a browser send its traceparent across origins", async () => {
    const { h } = await tracedProxy();
    const res = await request(h.app)
      .options('/api/tasks')
      .set('Origin', 'http://localhost:3000')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization,traceparent');
    await h.close();
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-headers']).toMatch(/(^|,)traceparent(,|$)/);
  });

  it.each([
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['a malformed header', 'not-a-traceparent'],
    ['two headers at once', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, 00-4bf92f3577b34da6a3ce929d0e0e4737-00f067aa0ba902b7-01'],
  ])("starts a trace of its own for %s", async (_, traceparent) => {
    const { h } = await tracedProxy();
    const res = await request(h.app).get('/api/processes').set('Authorization', h.bearer(alice)).set('traceparent', traceparent).expect(200);
    await h.close();
    const server = serverSpanOf(res);
    expect(server.parentSpanId).toBe('');
    expect(server.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceparent).not.toContain(server.traceId);
  });

  it('an engine call past its deadline is an error span, and so is the 504 request', async () => {
    const { h } = await tracedProxy({ ENGINE_TIMEOUT: '0.2' });
    h.engine.slow(2_000);
    const res = await request(h.app).get('/api/processes').set('Authorization', h.bearer(alice)).expect(504);
    await h.close();
    const server = serverSpanOf(res);
    expect(server).toMatchObject({ name: 'GET processes.list', statusCode: 2, attributes: { 'http.response.status_code': 504 } });
    expect(childrenOf(server)).toEqual([expect.objectContaining({ name: 'engine.forward', statusCode: 2, attributes: expect.objectContaining({ 'error.type': 'ENGINE_TIMEOUT' }) })]);
  });

  it('a client that leaves before its answer: the span says so, without a status, and still ends', async () => {
    const { h, accessLog } = await tracedProxy();
    h.engine.slow(300);
    const server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const outgoing = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/api/processes', headers: { authorization: h.bearer(alice) } });
    outgoing.on('error', () => undefined);
    outgoing.end();
    await waitFor(async () => (h.engine.requests.length > 0 ? true : undefined), 5_000, 'the engine call');
    outgoing.destroy();
    await waitFor(async () => (accessLog.length > 0 ? true : undefined), 5_000, 'the access log line');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
    const [span] = receiver.spans.filter((received) => received.kind === SERVER);
    expect(span).toMatchObject({ name: 'GET processes.list', attributes: { 'proxy.client_aborted': true } });
    expect(span!.attributes).not.toHaveProperty('http.response.status_code');
  });

  it('a request nothing matched is still one span, without a route or a user', async () => {
    const { h } = await tracedProxy();
    const res = await request(h.app).get('/nothing-here').expect(401);
    await h.close();
    const server = serverSpanOf(res);
    expect(server.name).toBe('GET');
    expect(server.attributes).toMatchObject({ 'http.response.status_code': 401, 'url.path': '/nothing-here' });
    expect(server.attributes).not.toHaveProperty('proxy.route');
    expect(server.attributes).not.toHaveProperty('user.hash');
    expect(childrenOf(server)).toEqual([]);
  });

  it('sends OTLP/HTTP protobuf to {endpoint}/v1/traces unless told to use JSON', async () => {
    const h = await startProxyHarness({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    await request(h.app).get('/api/processes').set('Authorization', h.bearer(alice)).expect(200);
    await h.close();
    expect(receiver.exports).toEqual([expect.objectContaining({ path: '/v1/traces', headers: expect.objectContaining({ 'content-type': 'application/x-protobuf' }) })]);
  });

  it('says so in the log when the collector does not take the spans', async () => {
    const { h, log } = await tracedProxy();
    receiver.failWith(400);
    await request(h.app).get('/api/processes').set('Authorization', h.bearer(alice)).expect(200);
    await h.close();
    const tracingLines = log.filter((line) => String(line.msg).startsWith('tracing:'));
    expect(tracingLines).toEqual([expect.objectContaining({ level: 'warn', msg: 'tracing: spans could not be exported, dropping them until the collector answers' })]);
    // The reason is the exporter's, without the endpoint's credentials or the spans.
    expect(JSON.stringify(tracingLines)).not.toContain(receiver.endpoint);
  });
});

describe('the server (src/server.ts)', () => {
  it('sends the spans still buffered when it drains on SIGTERM, and logs each trace id beside its request id', async () => {
    const engine = await startEngineStandIn();
    const key = testSigningKey();
    const port = await freePort();
    const env = serverProcessEnv(key, engine.url, { PORT: String(port), LOG_LEVEL: 'info', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    const server = spawnProcess(process.execPath, ['--import', 'tsx', 'src/server.ts'], env);
    try {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined), 20_000, 'the server');
      const res = await fetch(`http://127.0.0.1:${port}/api/processes`, { headers: { authorization: `Bearer ${mintSessionToken(key, alice)}` } });
      expect(res.status).toBe(200);
      process.kill(server.child.pid!, 'SIGTERM');
      expect(await server.exited).toBe(0);

      const requestId = res.headers.get('x-request-id');
      const span = receiver.spans.find((received) => received.attributes['proxy.request_id'] === requestId);
      expect(span).toMatchObject({ name: 'GET processes.list', kind: SERVER });
      const logged = server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged.find((line) => line.requestId === requestId)).toMatchObject({ msg: 'request', traceId: span!.traceId });
    } finally {
      if (isAlive(server.child.pid!)) process.kill(server.child.pid!, 'SIGKILL');
      await engine.stop();
    }
  }, 60_000);
});

describe('an outage of the collector', () => {
  const results = (codes: ExportResultCode[]) => {
    const lines = memorySink();
    let next = 0;
    const exporter = reportingOutages(
      {
        export: (_spans, done) => done({ code: codes[next++]!, ...(codes[next - 1] === ExportResultCode.FAILED && { error: new Error('Not Found') }) }),
        shutdown: async () => undefined,
      },
      createLogger('info', lines),
    );
    for (let i = 0; i < codes.length; i++) exporter.export([], () => undefined);
    return lines.lines.map((line) => [line.level, line.msg, line.reason]);
  };
  const { FAILED, SUCCESS } = ExportResultCode;

  it.each([
    ['is logged once, however many exports fail', [FAILED, FAILED, FAILED], [['warn', 'tracing: spans could not be exported, dropping them until the collector answers', 'Not Found']]],
    [
      'is logged at its start and its end, and a new one again',
      [SUCCESS, FAILED, FAILED, SUCCESS, SUCCESS, FAILED],
      [
        ['warn', 'tracing: spans could not be exported, dropping them until the collector answers', 'Not Found'],
        ['info', 'tracing: spans are exported again', undefined],
        ['warn', 'tracing: spans could not be exported, dropping them until the collector answers', 'Not Found'],
      ],
    ],
    ['is not an outage when every export succeeds', [SUCCESS, SUCCESS], []],
  ])('%s', (_, codes, logged) => {
    expect(results(codes)).toEqual(logged);
  });
});

describe('with OTEL_EXPORTER_OTLP_ENDPOINT unset', () => {
  it("loads no OpenTelemetry SDK, and the engine gets no traceparent, not even the client's", () => {
    // A process of its own, so that what is loaded is the proxy's doing alone (see the script).
    const run = spawnSync(process.execPath, ['--no-warnings', '--import', 'tsx', 'test/support/tracingModules.ts'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    const seen = JSON.parse(run.stdout) as { status: number; tracingOff: boolean; off: string[]; on: string[]; engineHeaders: Record<string, string>[] };
    expect(seen.status).toBe(200);
    expect(seen.tracingOff).toBe(true);
    // @opentelemetry/api (the no-op facade) was already there before tracing existed: prom-client
    // loads it at start for its exemplars. Nothing else of OpenTelemetry is.
    expect(seen.off).toEqual(['@opentelemetry/api']);
    expect(seen.on).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-proto', '@opentelemetry/core', '@opentelemetry/resources']));
    // Only the configured encoding's exporter.
    expect(seen.on).not.toContain('@opentelemetry/exporter-trace-otlp-http');
    expect(seen.engineHeaders).toHaveLength(1);
    expect(seen.engineHeaders[0]).not.toHaveProperty('traceparent');
  }, 60_000);

  it('mounts no span stage: no trace id in the access log, no traceparent to the engine', async () => {
    const accessLog = memorySink();
    const h = await startProxyHarness({ LOG_LEVEL: 'info' }, { deps: { accessLogSink: accessLog, log: createLogger('silent') } });
    h.engine.answer('POST', '/engine-rest/task', { status: 200, body: [aliceTask] });
    await request(h.app)
      .post(`/api/tasks/${TASK}/complete`)
      .set('Authorization', h.bearer(alice))
      .set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')
      .send({ variables: {} })
      .expect(200);
    await h.close();
    expect(h.engine.requests).toHaveLength(2);
    for (const seen of h.engine.requests) expect(seen.headers).not.toHaveProperty('traceparent');
    expect(accessLog.lines).toHaveLength(1);
    expect(accessLog.lines[0]).not.toHaveProperty('traceId');
    expect(receiver.exports).toEqual([]);
  });
});

describe('tracing configuration', () => {
  const env = (extra: NodeJS.ProcessEnv) => loadConfig({ ...baseEnv(testSigningKey(), 'http://127.0.0.1:8080/engine-rest'), ...extra });

  it.each([
    ['off without an endpoint', {}, undefined],
    [
      'the general endpoint, with /v1/traces appended',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' },
      { tracesUrl: 'http://collector:4318/v1/traces', protocol: 'http/protobuf', serviceName: 'clerk-camunda-proxy' },
    ],
    [
      'the traces endpoint as it is, over the general one',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.test/otlp/spans' },
      { tracesUrl: 'https://traces.example.test/otlp/spans', protocol: 'http/protobuf', serviceName: 'clerk-camunda-proxy' },
    ],
    [
      'JSON and a service name',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'proxy-eu' },
      { tracesUrl: 'http://collector:4318/v1/traces', protocol: 'http/json', serviceName: 'proxy-eu' },
    ],
  ])('%s', (_, extra, tracing) => {
    expect(env(extra).tracing).toEqual(tracing);
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /OTEL_EXPORTER_OTLP_PROTOCOL/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' }, /OTEL_EXPORTER_OTLP_ENDPOINT/],
  ])('refuses %j at start', (extra, message) => {
    expect(() => env(extra)).toThrow(message);
  });

  it('startTracing without a configuration is nothing at all', async () => {
    await expect(startTracing(undefined, { engineUrl: 'http://127.0.0.1:8080/engine-rest', log: createLogger('silent') })).resolves.toBeUndefined();
  });
});
