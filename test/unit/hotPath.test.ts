import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

/**
 * What the hot path (a list with a session token the verified-token cache knows) costs, counted
 * instead of timed, so that a regression fails the same way on every machine. Every count is of
 * work done while the proxy serves (an AsyncLocalStorage marks it): the test's own client is not
 * counted. The budgets are today's counts; a change that needs more must say why and show its cost
 * with the bench (bench/README.md) before it raises one.
 */
const BUDGET = {
  /** Promises: the proxy's own stages and http-proxy-middleware's (most of them) together. */
  promises: 17,
  /**
   * Timers started by JavaScript (the proxy and its packages; Node's own are not counted): none, the
   * engine deadline shares one timer among all calls (proxy/engineDeadlines.ts).
   */
  timers: 0,
  /** 'close' listeners on the answer when it is done: metrics, the deadline, and http-proxy-middleware's own four. */
  closeListeners: 6,
};
const REQUESTS = 100;

const serving = new AsyncLocalStorage<boolean>();
let promises = 0;
const promiseHook = createHook({
  init(_id, type) {
    if (type === 'PROMISE' && serving.getStore()) promises += 1;
  },
});

let h: ProxyHarness;
let proxy: Server;
let port: number;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const closeListeners: number[] = [];

beforeAll(async () => {
  h = await startProxyHarness();
  proxy = createServer((req, res) => {
    res.once('finish', () => closeListeners.push(res.listenerCount('close')));
    serving.run(true, () => h.app(req, res));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  port = (proxy.address() as AddressInfo).port;
});
afterAll(async () => {
  agent.destroy();
  proxy.close();
  await h.close();
});

function get(path: string, authorization: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent, headers: { authorization } }, resolve)
      .on('error', reject)
      .end();
  });
}

async function listProcesses(authorization: string): Promise<number> {
  const res = await get('/api/processes', authorization);
  res.resume();
  await new Promise((resolve) => res.on('end', resolve));
  return res.statusCode!;
}

/** Runs `requests` lists one after another, the token already verified, counting what serving them did. */
async function countWhileListing(requests: number) {
  const bearer = h.bearer();
  // The first verifies the token and opens the sockets; the counts are of what follows.
  for (let i = 0; i < 5; i += 1) expect(await listProcesses(bearer)).toBe(200);
  let timers = 0;
  let jsonParses = 0;
  const realSetTimeout = globalThis.setTimeout;
  const realParse = JSON.parse;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    if (serving.getStore()) timers += 1;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  JSON.parse = (...args: Parameters<typeof JSON.parse>) => {
    if (serving.getStore()) jsonParses += 1;
    return realParse(...args);
  };
  promises = 0;
  closeListeners.length = 0;
  promiseHook.enable();
  try {
    for (let i = 0; i < requests; i += 1) expect(await listProcesses(bearer)).toBe(200);
  } finally {
    promiseHook.disable();
    globalThis.setTimeout = realSetTimeout;
    JSON.parse = realParse;
  }
  return { promises, timers, jsonParses, closeListeners: Math.max(...closeListeners) };
}

describe('a list with a known session token, counted per request', () => {
  let counted: Awaited<ReturnType<typeof countWhileListing>>;
  beforeAll(async () => {
    counted = await countWhileListing(REQUESTS);
  });

  it(`makes at most ${BUDGET.promises} promises`, () => {
    expect(counted.promises / REQUESTS).toBeLessThanOrEqual(BUDGET.promises);
  });

  it(`starts at most ${BUDGET.timers} timers`, () => {
    expect(counted.timers / REQUESTS).toBeLessThanOrEqual(BUDGET.timers);
  });

  it(`leaves at most ${BUDGET.closeListeners} close listeners on the answer`, () => {
    expect(counted.closeListeners).toBeLessThanOrEqual(BUDGET.closeListeners);
  });

  it('never parses the engine answer, nor anything else', () => {
    expect(counted.jsonParses).toBe(0);
  });
});

describe('an engine answer that needs no change', () => {
  let engine: Server;
  let trickle: ProxyHarness;
  let finishAnswer: () => void = () => undefined;
  const firstHalf = '[{"id":"order:1:a","key":"order",';
  const secondHalf = '"name":"Order"}]';

  beforeAll(async () => {
    // Sends the head and half the list, then waits until the test has seen that half arrive.
    engine = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(firstHalf + secondHalf) });
      res.write(firstHalf);
      finishAnswer = () => res.end(secondHalf);
    });
    await new Promise<void>((resolve) => engine.listen(0, '127.0.0.1', resolve));
    trickle = await startProxyHarness({ ENGINE_URL: `http://127.0.0.1:${(engine.address() as AddressInfo).port}/engine-rest` });
  });
  afterAll(async () => {
    await trickle.close();
    engine.closeAllConnections();
    engine.close();
  });

  it('reaches the client while the engine is still sending it (streamed, never buffered)', async () => {
    const server = createServer(trickle.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/api/processes', headers: { authorization: trickle.bearer() } }, resolve)
          .on('error', reject)
          .end();
      });
      expect(res.statusCode).toBe(200);
      res.setEncoding('utf8');
      const first = await new Promise<string>((resolve) => res.once('data', resolve));
      expect(first).toBe(firstHalf);
      finishAnswer();
      let rest = '';
      for await (const chunk of res) rest += chunk;
      expect(JSON.parse(first + rest)).toEqual([{ id: 'order:1:a', key: 'order', name: 'Order' }]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
