import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnswerShaper } from './engineCall.js';
import { EngineError } from '../engine/engineErrors.js';
import { readBounded } from './boundedRead.js';

// Form variables can be long, but an engine answer the proxy reshapes is bounded all the same.
const MAX_SHAPED_BODY = 4 * 1024 * 1024;

async function readJson(stream: IncomingMessage): Promise<unknown> {
  const text = (await readBounded(stream, MAX_SHAPED_BODY, 'the engine answer is too large for the proxy to reshape')).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    throw new EngineError('engine_error', 'the engine answered with a body that is not JSON');
  }
}

/** Reads the engine's successful answer and sends the client the shaped one, always JSON. */
export async function sendShapedAnswer(engineAnswer: IncomingMessage, res: ServerResponse, engineStatus: number, shape: AnswerShaper): Promise<void> {
  const { status, body } = await shape(engineStatus, await readJson(engineAnswer));
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
