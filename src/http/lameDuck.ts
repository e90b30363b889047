import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

export interface LameDuckOptions {
  /** After the signal, go on accepting new connections this long (readiness already fails): DRAIN_DELAY. */
  readonly delayMs: number;
  /** From the signal: reset the connections still open and give up: DRAIN_TIMEOUT. */
  readonly timeoutMs: number;
  /** A keep-alive connection idle this long during the drain is closed: no request was on its way. */
  readonly quietMs: number;
}

export interface DrainOutcome {
  /** Requests still being answered at DRAIN_TIMEOUT, whose connections were reset then. */
  readonly resetRequests: number;
}

/** How long an idle keep-alive connection is kept during a drain, for a request already on its way. */
export const DRAIN_QUIET_MS = 1_000;

const netServerClose = NetServer.prototype.close;
const answerInProgress = Symbol('answer in progress');
const quietTimer = Symbol('quiet timer');
type Connection = Socket & { [answerInProgress]?: ServerResponse; [quietTimer]?: NodeJS.Timeout };

/**
 * Lame-duck drain, as Envoy and nginx do it. `server.close()` alone stops accepting but leaves
 * keep-alive connections open, and closing idle ones at once races clients that are sending on them
 * (they get a reset for a request the proxy never saw). Instead, from the signal on:
 * - every answer says `Connection: close`, and its connection closes after it;
 * - an answer whose headers were already sent ends; its connection is then idle, like the others;
 * - an idle connection is closed only once it stayed idle for `quietMs`: a request sent on it before
 *   that is answered (with `Connection: close`);
 * - new connections are accepted for `delayMs` (while load balancers notice the failing readiness),
 *   then refused;
 * - the drain ends when the last connection closed, or at `timeoutMs`, when what is left is reset.
 */
export function lameDuck(server: Server, options: LameDuckOptions): { drain(): Promise<DrainOutcome> } {
  const connections = new Set<Connection>();
  let draining = false;

  const closeWhenQuiet = (connection: Connection) => {
    clearTimeout(connection[quietTimer]);
    connection[quietTimer] = setTimeout(() => connection.destroy(), options.quietMs);
  };

  server.on('connection', (connection: Connection) => {
    connections.add(connection);
    connection.once('close', () => {
      clearTimeout(connection[quietTimer]);
      connections.delete(connection);
    });
    if (draining) closeWhenQuiet(connection);
  });
  // First among the request listeners, so the header is set before the app may answer.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    const connection = res.socket as Connection | null;
    if (!connection) return;
    connection[answerInProgress] = res;
    if (!draining) return;
    clearTimeout(connection[quietTimer]);
    res.setHeader('Connection', 'close');
  });

  const drain = () =>
    new Promise<DrainOutcome>((resolve) => {
      draining = true;
      for (const connection of connections) {
        const answer = connection[answerInProgress];
        if (answer && !answer.writableFinished) {
          if (!answer.headersSent) answer.setHeader('Connection', 'close');
          else answer.once('finish', () => closeWhenQuiet(connection));
        } else closeWhenQuiet(connection);
      }
      const giveUp = setTimeout(() => {
        const resetRequests = [...connections].filter((connection) => connection[answerInProgress]?.writableFinished === false).length;
        for (const connection of connections) connection.destroy();
        resolve({ resetRequests });
      }, options.timeoutMs);
      // net.Server's close, not http.Server's: since Node 19 the latter also closes every idle
      // keep-alive connection at once, which is the race this drain exists to avoid.
      setTimeout(
        () =>
          netServerClose.call(server, () => {
            clearTimeout(giveUp);
            resolve({ resetRequests: 0 });
          }),
        options.delayMs,
      );
    });

  return { drain };
}
