import express, { type Router } from 'express';
import { ProxyError } from '../http/errors.js';

/**
 * A path the proxy serves, asked with a method it does not: 405 with `Allow`, not an unknown
 * route. Derived from the OpenAPI document (route map, built-in endpoints, passthrough), so it
 * answers exactly what the document says the proxy serves.
 */
export function methodNotAllowed(paths: Readonly<Record<string, object>>): Router {
  const router = express.Router({ caseSensitive: true });
  for (const [path, item] of Object.entries(paths)) {
    const methods = Object.keys(item).map((method) => method.toUpperCase());
    if (methods.includes('GET')) methods.push('HEAD');
    const allow = methods.join(', ');
    router.all(path.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, ':$1'), (req, res) => {
      res.setHeader('Allow', allow);
      throw new ProxyError(405, 'method_not_allowed', `${req.method} is not allowed here (allowed: ${allow})`);
    });
  }
  return router;
}
