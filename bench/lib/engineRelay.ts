/**
 * A counting relay between a proxy and the real engine, for bench:e2e's engine-call budget: every
 * request the proxy makes to the engine passes through it, and it records what was asked and how
 * long the engine took (first byte in to the answer's last byte out). One keep-alive agent to the
 * engine, bodies streamed unchanged. Not on the timed path of the main measurement: bench:e2e points
 * a second proxy at it.
 */
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EngineCall {
  method: string;
  /** The path without the engine's base path and query, ids replaced by `{id}`. */
  path: string;
  /** ms from the request's arrival to the engine answer's end. */
  ms: number;
  startedAt: number;
  endedAt: number;
  status: number;
}

export interface EngineRelay {
  /** http://127.0.0.1:PORT + the engine's base path: give it to the proxy as ENGINE_URL. */
  url: string;
  /** The calls recorded since the last take(), and forget them. */
  take(): EngineCall[];
  close(): Promise<void>;
}

// Engine ids: UUIDs (Camunda's default id generator) and long runs of digits.
const ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b\d{4,}\b/g;

export async function startEngineRelay(engineUrl: string): Promise<EngineRelay> {
  const engine = new URL(engineUrl);
  const basePath = engine.pathname.replace(/\/+$/, '');
  const agent = new Agent({ keepAlive: true });
  let calls: EngineCall[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const startedAt = performance.now();
    const target = req.url ?? '/';
    const upstream = request(
      { host: engine.hostname, port: engine.port, method: req.method, path: target, headers: { ...req.headers, host: engine.host }, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          const endedAt = performance.now();
          const path = target.split('?')[0]!.slice(basePath.length).replace(ID, '{id}');
          calls.push({ method: req.method ?? '', path, ms: endedAt - startedAt, startedAt, endedAt, status: answer.statusCode ?? 0 });
        });
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}${basePath}`,
    take() {
      const taken = calls;
      calls = [];
      return taken;
    },
    async close() {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
