import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../engine/engineErrors.js';
import { headersForClient } from './headerHygiene.js';

// An object answer the proxy rewrites is read whole, so it is bounded (a start with its variables in return).
const MAX_REWRITTEN_BODY = 16 * 1024 * 1024;

interface Link {
  method?: string;
  href?: unknown;
  rel?: string;
}

/**
 * Engine answers to calls that create something (a started instance, a deployment) carry
 * `links[].href` with the engine's own base URL, which must never reach a client. Each href
 * becomes the client's path for the same resource, or the link is dropped.
 */
export function clientLinks(links: readonly Link[], engineBasePath: string, clientPath: (enginePath: string) => string | undefined): Link[] {
  const kept: Link[] = [];
  for (const link of links) {
    if (typeof link?.href !== 'string') continue;
    let pathname: string;
    try {
      pathname = new URL(link.href, 'http://engine.invalid').pathname;
    } catch {
      continue;
    }
    if (!pathname.startsWith(`${engineBasePath}/`)) continue;
    const href = clientPath(pathname.slice(engineBasePath.length));
    if (href !== undefined) kept.push({ ...link, href });
  }
  return kept;
}

/** The first byte that is not JSON white space, if the chunks hold one. */
function firstSignificantByte(chunks: readonly Buffer[]): number | undefined {
  for (const chunk of chunks) {
    for (const byte of chunk) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
  }
  return undefined;
}

const OPENING_BRACE = 0x7b;

/**
 * Sends a successful answer on, with its top-level `links` rewritten. Only a JSON object can carry
 * them, and objects that do are small (a started instance, a deployment): those are read whole
 * (bounded) and rewritten. Anything else (a list: fetchAndLock, a query; or not JSON) streams
 * through untouched however long it is, once its first byte shows it is not an object.
 */
export async function sendWithClientLinks(
  engineAnswer: IncomingMessage,
  res: ServerResponse,
  status: number,
  rewrite: (links: readonly Link[]) => Link[],
): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  const source = engineAnswer[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: number | undefined;
  let ended = false;
  while (first === undefined && !ended) {
    const next = await source.next();
    if (next.done) ended = true;
    else {
      chunks.push(next.value);
      size += next.value.length;
      first = firstSignificantByte([next.value]);
    }
  }
  const json = /json/i.test(String(engineAnswer.headers['content-type'] ?? ''));
  if (!json || (first !== undefined && first !== OPENING_BRACE)) {
    res.writeHead(status, headersForClient(engineAnswer.headers));
    const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => source };
    await pipeline(async function* () {
      yield* chunks;
      if (!ended) yield* rest;
    }, res);
    return;
  }
  while (!ended) {
    const next = await source.next();
    if (next.done) break;
    size += next.value.length;
    if (size > MAX_REWRITTEN_BODY) {
      engineAnswer.destroy();
      throw new EngineError('engine_error', 'the engine answer is too large for the proxy to pass on');
    }
    chunks.push(next.value);
  }
  let body = Buffer.concat(chunks);
  if (body.length > 0) {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { links?: unknown };
      if (parsed && typeof parsed === 'object' && Array.isArray(parsed.links)) {
        body = Buffer.from(JSON.stringify({ ...parsed, links: rewrite(parsed.links as Link[]) }));
      }
    } catch {
      // Not JSON after all: passed on as it came.
    }
  }
  res.writeHead(status, { ...headersForClient(engineAnswer.headers), 'content-length': body.length });
  res.end(body);
}
