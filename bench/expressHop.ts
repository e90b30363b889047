/**
 * The stack's own hop for bench:e2e: bare express 5 + http-proxy-middleware v4 forwarding every
 * /engine-rest call to the engine with its BasicAuth set, on one keep-alive http.Agent, and nothing
 * else (no auth, helmet, cors, metrics, logging). What the user's chosen stack costs a request before
 * the proxy does anything of its own. The IPC wiring is bench/expressProxy.ts's.
 */
import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';

const engine = new URL(process.env.ENGINE_URL ?? 'http://127.0.0.1:8080/engine-rest');
const authorization = `Basic ${Buffer.from(`${process.env.ENGINE_USER ?? 'demo'}:${process.env.ENGINE_PASS ?? 'demo'}`).toString('base64')}`;
const agent = new Agent({ keepAlive: true });
const basePath = engine.pathname.replace(/\/+$/, '');

const app = express();
app.use(basePath, createProxyMiddleware({ target: `${engine.origin}${basePath}`, changeOrigin: true, agent, headers: { authorization } }));
const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

process.on('message', (message: { type?: string }) => {
  if (message?.type === 'stop') {
    server.closeAllConnections();
    agent.destroy();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  }
});
process.on('disconnect', () => process.exit(0));
