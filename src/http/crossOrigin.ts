import cors, { type CorsOptions } from 'cors';
import type { RequestHandler } from 'express';

/**
 * The cors package, with its answer to a request that carries no Origin (anything but a
 * preflight) worked out once at start. cors copies its options and makes three callbacks on every
 * request, yet without an Origin what it sets (`Vary: Origin`, the exposed headers) never changes;
 * same-origin and server-to-server calls, which send none, get the recorded headers in one loop.
 * A request with an Origin, a preflight, or an answer that already varies goes through cors itself.
 */
export function crossOrigin(options: CorsOptions): RequestHandler {
  const full = cors(options) as RequestHandler;
  const recorded: [string, string][] = [];
  const recorder = {
    getHeader: () => undefined,
    setHeader(name: string, value: unknown) {
      recorded.push([name, String(value)]);
    },
  };
  let passedOn = false;
  full({ method: 'GET', headers: {} } as never, recorder as never, (() => {
    passedOn = true;
  }) as never);
  if (!passedOn) throw new Error('cors did not pass on a request without an Origin');
  return (req, res, next) => {
    if (req.headers.origin !== undefined || req.method === 'OPTIONS' || res.hasHeader('vary')) return full(req, res, next);
    for (const [name, value] of recorded) res.setHeader(name, value);
    next();
  };
}
