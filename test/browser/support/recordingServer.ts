import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  url: string;
  requestHeaders: IncomingHttpHeaders;
  status: number;
  responseHeaders: OutgoingHttpHeaders;
}

export interface RecordingServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Every request the app answered, CORS preflights included (browsers do not report those to the page). */
  exchanges: Exchange[];
  stop(): Promise<void>;
}

/** Serves the app on 127.0.0.1 and records what the browser really sent and got. */
export async function listenRecording(app: RequestListener): Promise<RecordingServer> {
  const exchanges: Exchange[] = [];
  const server: Server = createServer((req, res) => {
    // Read now: the proxy rewrites req.url to the engine's path on its way through.
    const { method = '', url = '', headers } = req;
    res.on('finish', () => exchanges.push({ method, url, requestHeaders: headers, status: res.statusCode, responseHeaders: res.getHeaders() }));
    app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
