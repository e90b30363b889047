import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { readBounded } from './boundedRead.js';
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

/** The first byte of a chunk that is not JSON white space, if it has one. */
function firstSignificantByte(chunk: Buffer): number | undefined {
  for (const byte of chunk) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
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
): Promise<{ createdId?: string; createdTenantId?: string | null }> {
  const source = engineAnswer[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // What is still unread of the answer, once the first chunks were taken from `source`.
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => source };
  const streamOn = async (head: readonly Buffer[]) => {
    res.writeHead(status, headersForClient(engineAnswer.headers));
    // stream.pipeline adds its own end-of-stream listeners to the answer; beside the stages' own
    // 'close' listeners (metrics, audit, access log, tracing, the engine proxy) they pass Node's
    // threshold of 10, which is there to spot leaks, and it would warn on every streamed answer.
    // One answer's listeners are a fixed set that goes with it.
    res.setMaxListeners(20);
    await pipeline(async function* () {
      yield* head;
      yield* rest;
    }, res);
  };
  if (!/json/i.test(String(engineAnswer.headers['content-type'] ?? ''))) return streamOn([]).then(() => ({}));
  const head: Buffer[] = [];
  let first: number | undefined;
  let ended = false;
  while (first === undefined && !ended) {
    const next = await source.next();
    if (next.done) ended = true;
    else {
      head.push(next.value);
      first = firstSignificantByte(next.value);
    }
  }
  if (first !== undefined && first !== OPENING_BRACE) return streamOn(head).then(() => ({}));
  let createdId: string | undefined;
  let createdTenantId: string | null | undefined;
  let body = ended ? Buffer.concat(head) : await readBounded(rest, MAX_REWRITTEN_BODY, 'the engine answer is too large for the proxy to pass on', head);
  if (first === OPENING_BRACE) {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { id?: unknown; links?: unknown; tenantId?: unknown };
      // The id of what the call created (a started instance), for the audit trail, and its tenant.
      if (typeof parsed?.id === 'string') {
        createdId = parsed.id;
        createdTenantId = typeof parsed.tenantId === 'string' ? parsed.tenantId : null;
      }
      if (parsed && typeof parsed === 'object' && Array.isArray(parsed.links)) {
        body = Buffer.from(JSON.stringify({ ...parsed, links: rewrite(parsed.links as Link[]) }));
      }
    } catch {
      // Not JSON after all: passed on as it came.
    }
  }
  res.writeHead(status, { ...headersForClient(engineAnswer.headers), 'content-length': body.length });
  res.end(body);
  return createdId === undefined ? {} : { createdId, createdTenantId };
}
