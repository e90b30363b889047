import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's response headers, worked out once at start. Its defaults do not depend on the request,
 * so running its dozen middlewares on every request only rebuilds the same set; here helmet runs
 * once against a recorder, and each request gets the recorded headers in one call.
 */
export function securityHeaders(options?: Parameters<typeof helmet>[0]): RequestHandler {
  const headers = new Map<string, string>();
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers.set(name, String(value));
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let failure: unknown;
  helmet(options)({} as never, recorder as never, (error?: unknown) => {
    failure = error;
  });
  if (failure !== undefined) throw failure;
  // Plain arrays: res.setHeaders(map) walks a Map iterator and makes an entry array per header.
  const names = [...headers.keys()];
  const values = [...headers.values()];
  return (_req, res, next) => {
    for (let i = 0; i < names.length; i += 1) res.setHeader(names[i]!, values[i]!);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}
