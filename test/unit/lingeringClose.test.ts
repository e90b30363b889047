import { request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { LINGER_BOUNDS } from '../../src/http/lingeringClose.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

// An early refusal is answered before the client has sent its body. These clients write the whole
// body (at full speed or slowly), as Node's `http` module and `fetch` do, and must still read the answer.

let h: ProxyHarness;
let server: Server;
let base: string;
beforeAll(async () => {
  h = await startProxyHarness();
  server = h.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await h.close();
});
beforeEach(() => h.engine.reset());

const FIVE_MB = 5 * 1024 * 1024;
const START = '/api/processes/order/start';

interface NodeClientOutcome {
  status: number;
  body: { error?: string; detail?: string };
  connection: string | undefined;
  /** Errors on the request after the answer arrived (EPIPE, ECONNRESET): none is expected. */
  errors: string[];
}

/** Node's `http` client: writes `size` bytes in `chunk`-sized writes, `everyMs` apart (0: as fast as it can). */
function postWithNodeHttp(path: string, headers: Record<string, string>, size: number, chunk = 64 * 1024, everyMs = 0): Promise<NodeClientOutcome> {
  return new Promise((resolve, reject) => {
    const errors: string[] = [];
    let answer: Omit<NodeClientOutcome, 'errors'> | undefined;
    let written = 0;
    const req = httpRequest(`${base}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': String(size) } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => {
        answer = { status: res.statusCode!, body: JSON.parse(Buffer.concat(parts).toString('utf8')), connection: res.headers.connection };
      });
    });
    req.on('error', (error) => errors.push(error.message));
    req.on('close', () => (answer ? resolve({ ...answer, errors }) : reject(new Error(`no answer: ${errors.join(', ')}`))));
    const writeMore = () => {
      while (written < size) {
        const piece = Buffer.alloc(Math.min(chunk, size - written), 0x20);
        written += piece.length;
        if (everyMs > 0) {
          req.write(piece);
          if (written < size) setTimeout(writeMore, everyMs);
          else req.end();
          return;
        }
        if (!req.write(piece)) return void req.once('drain', writeMore);
      }
      req.end();
    };
    writeMore();
  });
}

describe('an answer given before the body was read reaches the client', () => {
  it('Node http: a 5 MB start body gets the 413 JSON, with no broken pipe', async () => {
    const outcome = await postWithNodeHttp(START, { authorization: h.bearer() }, FIVE_MB);
    expect(outcome).toMatchObject({ status: 413, body: { error: 'payload_too_large' }, connection: 'close', errors: [] });
    expect(h.engine.requests).toHaveLength(0);
  });

  it('fetch: a 5 MB start body gets the 413 JSON', async () => {
    const res = await fetch(`${base}${START}`, {
      method: 'POST',
      headers: { authorization: h.bearer(), 'content-type': 'application/json' },
      body: Buffer.alloc(FIVE_MB, 0x20),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'payload_too_large', detail: expect.stringContaining('limit') });
    expect(h.engine.requests).toHaveLength(0);
  });

  it('Node http: a slow 2 MB body (64 KB every 25 ms) gets the 413 JSON, with no broken pipe', async () => {
    const outcome = await postWithNodeHttp(START, { authorization: h.bearer() }, 2 * 1024 * 1024, 64 * 1024, 25);
    expect(outcome).toMatchObject({ status: 413, body: { error: 'payload_too_large' }, errors: [] });
  });

  it('fetch: a slow streamed 2 MB body gets the 413 JSON', async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= 2 * 1024 * 1024) return controller.close();
        await new Promise((resolve) => setTimeout(resolve, 25));
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const res = await fetch(`${base}${START}`, {
      method: 'POST',
      headers: { authorization: h.bearer(), 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('Node http: a 5 MB body without a token gets the 401 JSON, with no broken pipe', async () => {
    const outcome = await postWithNodeHttp(START, {}, FIVE_MB);
    expect(outcome).toMatchObject({ status: 401, body: { error: 'unauthenticated' }, connection: 'close', errors: [] });
    expect(h.engine.requests).toHaveLength(0);
  });

  it('Node http: a 5 MB body on a route that takes none (400) is read to its end before the close', async () => {
    const outcome = await postWithNodeHttp('/api/tasks/t-1/unclaim', { authorization: h.bearer() }, FIVE_MB);
    expect(outcome.errors).toEqual([]);
    expect(outcome.status).toBeGreaterThanOrEqual(400);
    expect(outcome.body.error).toBeDefined();
  });
});

/**
 * A raw client: request headers declaring `declared` bytes, then `send` (which writes what it likes
 * and never ends). Resolves with the answer's status line and how long after it the proxy closed
 * its side of the connection entirely, and how many bytes the client had written by then.
 */
async function rawClient(declared: number, send: (socket: Socket) => void): Promise<{ statusLine: string; closedAfterAnswerMs: number; written: number }> {
  const serverSideClosed = new Promise<number>((resolve) => server.once('connection', (s: Socket) => s.once('close', () => resolve(Date.now()))));
  // Half-open: the proxy's FIN after its answer does not end this client's side; it goes on sending.
  const socket = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
  socket.on('error', () => undefined); // the writes after the close
  let answer = '';
  let answeredAt = 0;
  socket.on('data', (part: Buffer) => {
    answer += part.toString('latin1');
    answeredAt ||= Date.now();
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`POST ${START} HTTP/1.1\r\nHost: x\r\nAuthorization: ${h.bearer()}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`);
  send(socket);
  const closedAt = await serverSideClosed;
  const written = socket.bytesWritten;
  socket.destroy();
  return { statusLine: answer.split('\r\n')[0]!, closedAfterAnswerMs: closedAt - answeredAt, written };
}

describe('the lingering read is bounded', () => {
  it(`closes once the client has sent nothing for ${LINGER_BOUNDS.idleMs} ms mid-body`, async () => {
    const outcome = await rawClient(FIVE_MB, (socket) => socket.write(Buffer.alloc(100 * 1024, 0x20)));
    expect(outcome.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    expect(outcome.closedAfterAnswerMs).toBeGreaterThanOrEqual(LINGER_BOUNDS.idleMs - 100);
    expect(outcome.closedAfterAnswerMs).toBeLessThan(LINGER_BOUNDS.idleMs + 2_000);
  });

  it(`closes once ${LINGER_BOUNDS.maxBytes / 1024 / 1024} MiB more were discarded, however fast they come`, async () => {
    const outcome = await rawClient(1024 ** 3, (socket) => {
      const piece = Buffer.alloc(1024 * 1024, 0x20);
      const more = () => {
        while (!socket.destroyed && socket.write(piece));
        if (!socket.destroyed) socket.once('drain', more);
      };
      more();
    });
    expect(outcome.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    // Closed past the bound (progress is looked at every 100 ms, so loopback overshoots it), long
    // before the declared 1 GiB, and neither for quiet nor for time.
    expect(outcome.written).toBeGreaterThan(LINGER_BOUNDS.maxBytes);
    expect(outcome.written).toBeLessThan(512 * 1024 * 1024);
    expect(outcome.closedAfterAnswerMs).toBeLessThan(LINGER_BOUNDS.idleMs);
  });

  it('keeps a refused connection open while its body still arrives within the quiet window', async () => {
    const size = 16 * 64 * 1024 + 64 * 1024; // above BODY_LIMIT (1mb)
    const outcome = await rawClient(size, (socket) => {
      let sent = 0;
      const tick = setInterval(() => {
        if (socket.destroyed || sent >= size) return clearInterval(tick);
        sent += 64 * 1024;
        socket.write(Buffer.alloc(64 * 1024, 0x20));
      }, 100);
    });
    expect(outcome.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    // 17 pieces 100 ms apart: the proxy read them all (1.7 s, longer than one quiet window), and
    // closed when the body ended.
    expect(outcome.written).toBeGreaterThan(size);
    expect(outcome.closedAfterAnswerMs).toBeGreaterThan(1_400);
    expect(outcome.closedAfterAnswerMs).toBeLessThan(LINGER_BOUNDS.timeMs);
  });
});
