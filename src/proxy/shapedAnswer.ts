import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnswerShaper } from './engineCall.js';
import { EngineError } from '../engine/engineErrors.js';

// Form variables can be long, but an engine answer the proxy reshapes is bounded all the same.
const MAX_SHAPED_BODY = 4 * 1024 * 1024;

function readJson(stream: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_SHAPED_BODY) {
        stream.destroy();
        reject(new EngineError('engine_error', 'the engine answer is too large for the proxy to reshape'));
      } else chunks.push(chunk);
    });
    stream.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        reject(new EngineError('engine_error', 'the engine answered with a body that is not JSON'));
      }
    });
    stream.on('error', reject);
  });
}

/** Reads the engine's successful answer and sends the client the shaped one, always JSON. */
export async function sendShapedAnswer(engineAnswer: IncomingMessage, res: ServerResponse, engineStatus: number, shape: AnswerShaper): Promise<void> {
  const { status, body } = await shape(engineStatus, await readJson(engineAnswer));
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
