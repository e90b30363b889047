/**
 * The stack's own hop for bench:e2e: bare express 5 + http-proxy-middleware v4 forwarding every
 * /engine-rest call to the engine with its BasicAuth set, on one keep-alive http.Agent, and nothing
 * else (no auth, helmet, cors, metrics, logging). What the user's chosen stack costs a request before
 * the proxy does anything of its own. The IPC wiring is bench/lib/benchChild.ts.
 */
import { Agent } from 'node:http';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { serveBenchChild } from './lib/benchChild.js';

const engine = new URL(process.env.ENGINE_URL ?? 'http://127.0.0.1:8080/engine-rest');
const authorization = `Basic ${Buffer.from(`${process.env.ENGINE_USER ?? 'demo'}:${process.env.ENGINE_PASS ?? 'demo'}`).toString('base64')}`;
const agent = new Agent({ keepAlive: true });
const basePath = engine.pathname.replace(/\/+$/, '');

const app = express();
app.use(basePath, createProxyMiddleware({ target: `${engine.origin}${basePath}`, changeOrigin: true, agent, headers: { authorization } }));
serveBenchChild(app.listen(0, '127.0.0.1'), agent);
