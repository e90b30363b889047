import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A collector that takes OTLP/HTTP exports and throws them away, for the `auth-otel` variant: it
 * answers at once, as a collector on the same network would, and counts what the proxy sent.
 */
export async function startOtlpSink(): Promise<{ endpoint: string; bytes: () => number; exports: () => number; close: () => Promise<void> }> {
  let bytes = 0;
  let exports = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      exports += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytes: () => bytes,
    exports: () => exports,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
