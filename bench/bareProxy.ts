/**
 * The floor: the least a Node proxy can do for GET /api/processes. node:http server, one
 * keep-alive http.Agent to the engine, the engine's body piped back. No auth, no framework.
 */
import { Agent, createServer, request } from 'node:http';
import { serveBenchChild } from './lib/benchChild.js';

const engine = new URL(process.env.ENGINE_URL ?? 'http://127.0.0.1:8080/engine-rest');
const authorization = `Basic ${Buffer.from(`${process.env.ENGINE_USER ?? 'demo'}:${process.env.ENGINE_PASS ?? 'demo'}`).toString('base64')}`;
const agent = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64, scheduling: 'lifo' });
const enginePath = `${engine.pathname.replace(/\/+$/, '')}/process-definition?latestVersion=true`;

const server = createServer((req, res) => {
  if (req.method !== 'GET' || !(req.url === '/api/processes' || req.url?.startsWith('/api/processes?'))) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
    return;
  }
  const upstream = request(
    { host: engine.hostname, port: engine.port, path: enginePath, method: 'GET', agent, headers: { authorization, accept: 'application/json' } },
    (answer) => {
      const headers: Record<string, string | string[]> = {};
      if (answer.headers['content-type']) headers['content-type'] = answer.headers['content-type'];
      if (answer.headers['content-length']) headers['content-length'] = answer.headers['content-length'];
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
  upstream.end();
});
serveBenchChild(server, agent);
