import type { IncomingMessage, ServerResponse } from 'node:http';
import { EngineError } from '../engine/engineErrors.js';
import { headersForClient } from './headerHygiene.js';

// An answer the proxy rewrites is read whole, so it is bounded (a start with its variables in return).
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

/** Reads a successful JSON answer (bounded), rewrites its top-level `links`, and sends it on. */
export async function sendWithClientLinks(
  engineAnswer: IncomingMessage,
  res: ServerResponse,
  status: number,
  rewrite: (links: readonly Link[]) => Link[],
): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of engineAnswer as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REWRITTEN_BODY) throw new EngineError('engine_error', 'the engine answer is too large for the proxy to pass on');
    chunks.push(chunk);
  }
  let body = Buffer.concat(chunks);
  if (body.length > 0 && /json/i.test(String(engineAnswer.headers['content-type'] ?? ''))) {
    try {
      const json = JSON.parse(body.toString('utf8')) as { links?: unknown };
      if (json && typeof json === 'object' && Array.isArray(json.links)) {
        body = Buffer.from(JSON.stringify({ ...json, links: rewrite(json.links as Link[]) }));
      }
    } catch {
      // Not JSON after all: passed on as it came.
    }
  }
  res.writeHead(status, { ...headersForClient(engineAnswer.headers), 'content-length': body.length });
  res.end(body);
}
