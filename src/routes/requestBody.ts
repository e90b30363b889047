import express, { type Request, type RequestHandler } from 'express';
import { badRequest, ProxyError } from '../http/errors.js';

/**
 * What a route does with the client's body. Every body is read in full (bounded by BODY_LIMIT)
 * before any engine call, so the engine socket only ever carries what the proxy framed itself:
 * http-proxy-middleware would otherwise pipe unread client bytes onto a keep-alive engine socket
 * after the proxy's own request, where the engine reads them as the next request.
 *
 * - `none`: the route takes no body. A non-empty body is refused with 400 (GET, HEAD, DELETE,
 *   and actions such as unclaim).
 * - `json`: a JSON body (or none). A non-JSON media type is 415, invalid UTF-8 or JSON is 400.
 * - `raw`: any media type, forwarded byte for byte (the /engine-rest passthrough).
 */
export type BodyKind = 'none' | 'json' | 'raw';

/** The client's body, read and checked: `raw` is what the engine gets, `json` what policies read. */
export interface RequestBody {
  readonly raw?: Buffer;
  readonly contentType?: string;
  readonly json?: unknown;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const jsonTypes = ['application/json', 'application/*+json'];

/**
 * Reads the whole body into a Buffer. A declared Content-Length above the limit is refused before
 * a byte is read (raw-body checks it up front); chunked bodies stop at the limit. Compressed bodies
 * are refused (415) rather than inflated.
 */
export function readWholeBody(limit: string): RequestHandler {
  return express.raw({ type: () => true, limit, inflate: false });
}

export function checkedBody(req: Request, kind: BodyKind): RequestBody {
  const raw = Buffer.isBuffer(req.body) && req.body.length > 0 ? (req.body as Buffer) : undefined;
  if (!raw) return {};
  const contentType = req.headers['content-type'];
  switch (kind) {
    case 'none':
      throw badRequest(`${req.method} ${req.baseUrl}${req.path} takes no request body`);
    case 'raw':
      return { raw, contentType };
    case 'json': {
      if (!req.is(jsonTypes)) throw new ProxyError(415, 'unsupported_media_type', 'request body must be JSON (Content-Type: application/json)');
      let text: string;
      try {
        text = strictUtf8.decode(raw);
      } catch {
        throw badRequest('request body is not valid UTF-8');
      }
      try {
        return { raw, contentType: 'application/json', json: JSON.parse(text) as unknown };
      } catch {
        throw badRequest('request body is not valid JSON');
      }
    }
  }
}
