/**
 * A minimal HTTP client for the benches against the real engine: one keep-alive connection, JSON in,
 * the whole answer read before the clock stops. `authorization` '' sends none.
 */
import { Agent, request } from 'node:http';

export interface Answer {
  status: number;
  text: string;
  ms: number;
}

export function timedClient(base: string, authorization: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(base);
  const prefix = url.pathname.replace(/\/+$/, '');
  return {
    agent,
    call(method: string, path: string, body?: unknown): Promise<Answer> {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string | number> = { ...(authorization && { authorization }), accept: 'application/json' };
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = payload.length;
      }
      return new Promise((resolve, reject) => {
        const started = performance.now();
        const req = request({ host: url.hostname, port: url.port, method, path: `${prefix}${path}`, agent, headers, timeout: 30_000 }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
        req.on('error', reject);
        req.end(payload);
      });
    },
  };
}
export type TimedClient = ReturnType<typeof timedClient>;
