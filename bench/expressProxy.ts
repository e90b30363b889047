/**
 * The stack's own floor: GET /api/processes through bare express 5 + http-proxy-middleware v4, as
 * a new user would write it from the two READMEs. One keep-alive http.Agent, the engine's
 * BasicAuth set on every engine request. No auth, no helmet, no cors, no metrics, no logging.
 * The proxy is the first block (about 20 lines); the rest is the bench's IPC wiring, as in
 * bench/bareProxy.ts.
 */
import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';

// --- the proxy --------------------------------------------------------------------------------
const engine = new URL(process.env.ENGINE_URL ?? 'http://127.0.0.1:8080/engine-rest');
const authorization = `Basic ${Buffer.from(`${process.env.ENGINE_USER ?? 'demo'}:${process.env.ENGINE_PASS ?? 'demo'}`).toString('base64')}`;
const agent = new Agent({ keepAlive: true });

const app = express();
app.get(
  '/api/processes',
  createProxyMiddleware({
    target: engine.origin,
    changeOrigin: true,
    agent,
    headers: { authorization },
    pathRewrite: () => `${engine.pathname.replace(/\/+$/, '')}/process-definition?latestVersion=true`,
  }),
);
const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});
// --- end of the proxy -------------------------------------------------------------------------

// As src/server.ts and bench/bareProxy.ts set them, so idle client connections are not closed under the load.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

process.on('message', (message: { type?: string; id?: number }) => {
  if (message?.type === 'memory') process.send?.({ type: 'memory', id: message.id, ...process.memoryUsage() });
  if (message?.type === 'stop') {
    // process.exit (not a signal) so that --cpu-prof writes its profile.
    server.closeAllConnections();
    agent.destroy();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  }
});
process.on('disconnect', () => process.exit(0));
