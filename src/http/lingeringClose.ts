import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long, and how much, the proxy keeps reading a refused request's body before it closes the
 * connection (nginx's `lingering_time`, `lingering_timeout`, and a byte bound nginx lacks).
 */
export interface LingerBounds {
  /** The whole lingering read, from the moment the answer is written. */
  readonly timeMs: number;
  /** Close once the client has sent nothing for this long. */
  readonly idleMs: number;
  /** Close once this many further bytes were discarded. */
  readonly maxBytes: number;
}

export const LINGER_BOUNDS: LingerBounds = Object.freeze({ timeMs: 10_000, idleMs: 2_000, maxBytes: 64 * 1024 * 1024 });

const armed = Symbol('lingering close armed');
type LingeringSocket = Socket & { [armed]?: true };

/**
 * An answer given while the client is still sending its body (413 before reading, 401 before the
 * body stage, 400 on a body where none belongs) closes its connection, but not at once. Node closes
 * a `Connection: close` socket as soon as the answer is written (`socket.destroySoon()`); the
 * client's bytes still arriving then meet a closed socket, the kernel answers them with a reset,
 * and the client loses the answer it had not read yet (EPIPE while writing, in Node's `http`).
 * So, as nginx does: write the answer, half-close, then read and discard what the client still
 * sends until its body ends, it closes its side, it goes quiet, or a bound is reached.
 */
export function closeAfterLingering(res: ServerResponse, bounds: LingerBounds = LINGER_BOUNDS): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
  const socket = res.socket as LingeringSocket | null;
  if (!socket || socket[armed]) return;
  socket[armed] = true;
  const request = res.req;
  const closeNow = socket.destroySoon.bind(socket);
  socket.destroySoon = () => (request.complete || socket.destroyed ? closeNow() : linger(socket, request, bounds));
}

/** How often a lingering connection's progress is looked at. */
const LINGER_CHECK_MS = 100;

function linger(socket: Socket, request: ServerResponse['req'], bounds: LingerBounds): void {
  // Progress is read from the socket's byte count: Node's parser reads a discarded body natively
  // (`req._dump`), and a 'data' listener here would take the socket off that path and stall it.
  const startedAt = performance.now();
  const readBefore = socket.bytesRead;
  let readLast = readBefore;
  let quietSince = startedAt;
  const check = setInterval(() => {
    const now = performance.now();
    const read = socket.bytesRead;
    if (read !== readLast) {
      readLast = read;
      quietSince = now;
    }
    if (read - readBefore > bounds.maxBytes || now - startedAt >= bounds.timeMs || now - quietSince >= bounds.idleMs) close();
  }, LINGER_CHECK_MS);
  const close = () => {
    clearInterval(check);
    socket.destroy();
  };
  // The body's last byte was read, or the client closed its side: nothing unread is left for the
  // kernel to answer with a reset.
  request.once('end', close);
  socket.once('end', close);
  socket.once('close', close);
  // Our answer first, then FIN: the client reads all of it and knows nothing more follows.
  socket.end();
}
