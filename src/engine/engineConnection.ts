import { Agent, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { EngineCallKind, RequestTrace } from '../tracing/tracing.js';
import { createIdentitySigner, ENGINE_IDENTITY_HEADER, type EngineIdentity, type IdentitySigner } from './engineIdentity.js';

/** Where the engine is and how the proxy signs in: worked out once at start. */
export interface EngineConnection {
  /** e.g. http://localhost:8080 */
  readonly origin: string;
  /** e.g. /engine-rest (no trailing slash) */
  readonly basePath: string;
  readonly authorization: string;
  readonly agent: Agent;
  readonly timeoutMs: number;
  /** Signs the acting user for the engine identity plugin; undefined (and no work) without ENGINE_IDENTITY_SECRET. */
  readonly signIdentity?: IdentitySigner;
}

export function createEngineConnection(engine: {
  url: string;
  user: string;
  password: string;
  timeoutMs: number;
  maxSockets: number;
  identitySecret?: string;
}): EngineConnection {
  const url = new URL(engine.url);
  // maxFreeSockets = maxSockets: a smaller free pool closes a socket after each burst above it and
  // reopens one for the next, measured as a new engine connection every ~4 requests at 32 in flight.
  const options = { keepAlive: true, maxSockets: engine.maxSockets, maxFreeSockets: engine.maxSockets, scheduling: 'lifo' as const };
  return Object.freeze({
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    authorization: `Basic ${Buffer.from(`${engine.user}:${engine.password}`).toString('base64')}`,
    agent: url.protocol === 'https:' ? new HttpsAgent(options) : new Agent(options),
    timeoutMs: engine.timeoutMs,
    ...(engine.identitySecret !== undefined && { signIdentity: createIdentitySigner(engine.identitySecret) }),
  });
}

export interface EngineAnswer {
  status: number;
  body: string;
}

export class EngineTimeout extends Error {
  override name = 'EngineTimeout';
  readonly code = 'ENGINE_TIMEOUT';
}

/** Whom an engine call is made for: its request id (sent as X-Request-Id) and, with tracing on, its trace. */
export interface EngineCaller {
  readonly requestId: string;
  readonly trace?: RequestTrace;
}

/** A body the proxy has framed itself, e.g. a rebuilt multipart upload. */
export interface FramedBody {
  contentType: string;
  bytes: Uint8Array;
}

/**
 * A small call on the shared keep-alive agent, for the proxy's own questions to the engine: a JSON
 * `body`, or a `framed` one. Either is sent whole with its exact Content-Length. With a traced
 * `caller` the call is a child span of its request, and the engine gets its `traceparent`.
 */
export function callEngine(
  connection: EngineConnection,
  method: string,
  path: string,
  options: { body?: unknown; framed?: FramedBody; timeoutMs?: number; caller?: EngineCaller; kind?: EngineCallKind; actingAs?: EngineIdentity } = {},
): Promise<EngineAnswer> {
  const json = options.body === undefined ? undefined : JSON.stringify(options.body);
  const payload = options.framed?.bytes ?? json;
  const contentType = options.framed?.contentType ?? 'application/json';
  const send = connection.origin.startsWith('https:') ? httpsRequest : request;
  const { caller } = options;
  const span = caller?.trace?.engineCall(options.kind ?? 'query', method, `${connection.basePath}${path}`);
  const target = `${connection.origin}${connection.basePath}${path}`;
  // Signed over the path Node sends, which is the URL parser's (it normalises what it parses).
  const url = connection.signIdentity && options.actingAs ? new URL(target) : undefined;
  const identity = url && connection.signIdentity!(options.actingAs!, method, `${url.pathname}${url.search}`);
  return new Promise((resolve, reject) => {
    const outgoing = send(url ?? target, {
      method,
      agent: connection.agent,
      headers: {
        authorization: connection.authorization,
        ...(identity && { [ENGINE_IDENTITY_HEADER]: identity }),
        accept: 'application/json',
        ...(caller && { 'x-request-id': caller.requestId }),
        ...(span && { traceparent: span.traceparent }),
        ...(payload !== undefined && { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }),
      },
    });
    // A deadline for the whole call (socket wait, request, whole answer), not an idle timer.
    const deadline = setTimeout(() => outgoing.destroy(new EngineTimeout('engine did not answer in time')), options.timeoutMs ?? connection.timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(deadline);
      span?.end(undefined, error);
      reject(error);
    };
    outgoing.on('error', fail);
    outgoing.on('response', (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('error', fail);
      answer.on('aborted', () => fail(Object.assign(new Error('engine answer was cut off'), { code: 'ECONNRESET' })));
      answer.on('end', () => {
        clearTimeout(deadline);
        span?.end(answer.statusCode);
        resolve({ status: answer.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    outgoing.end(payload);
  });
}
