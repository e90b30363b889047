import { parse as parseContentType } from 'content-type';
import express, { type Request, type RequestHandler } from 'express';
import { bodilessMethods } from '../proxy/engineCall.js';

export { bodilessMethods } from '../proxy/engineCall.js';
import { stageNamed, type RouteDefinition } from '../config/routeMap.js';
import { routeVocabulary } from './routeMap.js';
import { badRequest, ProxyError } from '../http/errors.js';

/**
 * What a route does with the client's body. Every body is read in full (bounded by BODY_LIMIT)
 * before any engine call, so the engine socket only ever carries what the proxy framed itself:
 * http-proxy-middleware would otherwise pipe unread client bytes onto a keep-alive engine socket
 * after the proxy's own request, where the engine reads them as the next request.
 *
 * - `none`: the route takes no body. On GET, HEAD and DELETE a non-empty body is refused with 400;
 *   on an action such as unclaim (POST) it is read to its end and discarded, since clients often
 *   send `{}` there.
 * - `json`: a JSON body (or none). A non-JSON media type is 415, invalid UTF-8 or JSON is 400.
 * - `raw`: any media type, forwarded byte for byte (the /engine-rest passthrough).
 */
export type BodyKind = 'none' | 'json' | 'raw';

/**
 * What a route does with a client body: intercepts and body-reading policies take JSON; a route
 * map entry may say `body: "none"` for an action that takes none; otherwise GET and DELETE take
 * none and the other methods forward a JSON body as it is.
 */
export function bodyKindOf(route: RouteDefinition): BodyKind {
  if (route.body) return route.body;
  const stages = [route.intercept && stageNamed(routeVocabulary.intercept, route.intercept), route.policy && stageNamed(routeVocabulary.policy, route.policy)];
  if (stages.some((stage) => stage && stage.readsBody)) return 'json';
  return route.method === 'GET' || route.method === 'DELETE' ? 'none' : 'json';
}

/** The client's body, read and checked: `raw` is what the engine gets, `json` what policies read. */
export interface RequestBody {
  readonly raw?: Buffer;
  readonly contentType?: string;
  readonly json?: unknown;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const jsonTypes = ['application/json', 'application/*+json'];

/**
 * JSON is UTF-8 (RFC 8259); a body that says it is anything else (`charset=latin1`) would be read as
 * UTF-8 by the proxy and as the named charset by the engine, so the two would disagree on its text.
 */
function refuseOtherCharsets(contentType: string): void {
  const charset = parseContentType(contentType).parameters.charset?.toLowerCase();
  // The parser is lenient: it drops a charset it cannot read and keeps the first of two, where the
  // engine may read them otherwise. A header that names a charset must name exactly one, readably.
  const named = contentType.match(/charset/gi)?.length ?? 0;
  if (named > 1 || (named === 1 && charset === undefined)) {
    throw new ProxyError(415, 'unsupported_media_type', 'the charset of the Content-Type header could not be read; send application/json; charset=utf-8');
  }
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ProxyError(415, 'unsupported_media_type', `request body must be UTF-8 JSON; charset ${JSON.stringify(charset)} is not supported`);
  }
}

/** The request says its body is JSON (application/json, or a +json type). */
export const isJsonBody = (req: Request): boolean => Boolean(req.is(jsonTypes));

/**
 * A JSON body's value: UTF-8 only (a charset named otherwise is 415), strictly decoded (a UTF-8 byte
 * order mark is dropped, as the engine's Jackson drops it), then parsed; 400 when it is not.
 */
export function jsonOf(raw: Buffer, contentType: string): unknown {
  refuseOtherCharsets(contentType);
  let text: string;
  try {
    text = strictUtf8.decode(raw);
  } catch {
    throw badRequest('request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('request body is not valid JSON');
  }
}

const units: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** BODY_LIMIT's `1mb` / `512kb` form (validated in config/env.ts) in bytes, as body-parser reads it. */
export function bytesOf(limit: string): number {
  const [, amount, unit] = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(limit.trim()) ?? [];
  return Math.floor(Number(amount) * units[(unit ?? 'b').toLowerCase()]!);
}

/**
 * Reads the whole body into a Buffer. A declared Content-Length above the limit is refused at once,
 * before a byte is read, and the connection is closed after the answer (body-parser alone would
 * read the whole declared body first); chunked bodies stop at the limit. Compressed bodies are
 * refused (415) rather than inflated.
 */
export function readWholeBody(limit: string): RequestHandler {
  const maxBytes = bytesOf(limit);
  const read = express.raw({ type: () => true, limit, inflate: false });
  return (req, res, next) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBytes) {
      // Refused before a byte is read; sendError closes the connection after a lingering read.
      throw new ProxyError(413, 'payload_too_large', `request body is larger than the configured limit (${limit})`);
    }
    read(req, res, next);
  };
}

export function checkedBody(req: Request, kind: BodyKind): RequestBody {
  const raw = Buffer.isBuffer(req.body) && req.body.length > 0 ? (req.body as Buffer) : undefined;
  if (!raw) return {};
  const contentType = req.headers['content-type'];
  switch (kind) {
    case 'none':
      if (bodilessMethods.has(req.method)) throw badRequest(`${req.method} ${req.baseUrl}${req.path} takes no request body`);
      return {};
    case 'raw':
      return { raw, contentType };
    case 'json': {
      if (!isJsonBody(req)) throw new ProxyError(415, 'unsupported_media_type', 'request body must be JSON (Content-Type: application/json)');
      return { raw, contentType: 'application/json', json: jsonOf(raw, contentType!) };
    }
  }
}
