/**
 * The stack's own floor: GET /api/processes through bare express 5 + http-proxy-middleware v4, as
 * a new user would write it from the two READMEs. One keep-alive http.Agent, the engine's
 * BasicAuth set on every engine request. No auth, no helmet, no cors, no metrics, no logging.
 * The proxy is the first block (about 20 lines); the bench's IPC wiring is
 * bench/lib/benchChild.ts.
 */
import { Agent } from 'node:http';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { serveBenchChild } from './lib/benchChild.js';

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
const server = app.listen(0, '127.0.0.1');
// --- end of the proxy -------------------------------------------------------------------------

serveBenchChild(server, agent);
