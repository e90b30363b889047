import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticFile {
  type: string;
  body: string;
}

export interface StaticSite {
  /** http://localhost:PORT: a different origin from the proxy's 127.0.0.1. */
  origin: string;
  stop(): Promise<void>;
}

/** Serves fixed files from memory, like a frontend's own web server. */
export async function startStaticSite(files: Readonly<Record<string, StaticFile>>): Promise<StaticSite> {
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://site').pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
