import type { ClientRequest, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Allowlists, not denylists: the engine gets only what it needs to parse the request, and the
 * client gets only what describes the body. Everything else (Authorization, Cookie,
 * Proxy-Authorization, X-Forwarded-*, X-User-style identity headers on the way in; Set-Cookie,
 * WWW-Authenticate, Location, Server on the way out) never crosses. The body's own headers
 * (Content-Type, Content-Length, Transfer-Encoding, Content-Encoding) are the proxy's to set.
 * So is X-Engine-Identity: a client's never crosses, and the engine proxy signs its own after this.
 */
const requestHeadersToEngine = new Set(['accept-language', 'host']);

const responseHeadersToClient = [
  'content-type',
  'content-length',
  'content-disposition',
  'content-language',
  'cache-control',
  'etag',
  'last-modified',
  'expires',
] as const;

export function scrubRequestToEngine(proxyReq: ClientRequest): void {
  for (const name of proxyReq.getHeaderNames()) {
    if (!requestHeadersToEngine.has(name)) proxyReq.removeHeader(name);
  }
}

export function headersForClient(engineHeaders: IncomingHttpHeaders): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const name of responseHeadersToClient) {
    const value = engineHeaders[name];
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}
