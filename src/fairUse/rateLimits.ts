import type { NextFunction, RequestHandler, Response } from 'express';
import type { RouteClass } from '../config/env.js';
import { ProxyError } from '../http/errors.js';
import { contextOf } from '../http/requestContext.js';
import type { CallerLimits } from './callerLimits.js';

const classNames: Readonly<Record<RouteClass, string>> = { reads: 'read', writes: 'write', passthrough: 'engine-rest' };

/** Over the limit: 429 with Retry-After (whole seconds until the next call is allowed). */
function refuseIfOver(waitMs: number, routeClass: RouteClass, res: Response): void {
  if (waitMs === 0) return;
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  res.setHeader('Retry-After', String(seconds));
  throw new ProxyError(429, 'rate_limited', `too many ${classNames[routeClass]} calls; try again in ${seconds} s`);
}

/**
 * Fair use of the engine, per verified caller (a user's or a machine's id), so it runs after
 * authentication. Over the limit: 429 with Retry-After, and nothing reaches the engine.
 * `classOf` picks the bucket a request takes from; a class without a limit is not counted.
 * In-process buckets answer at once; a shared store's answer is awaited.
 */
export function rateLimitCallers(limits: CallerLimits, classOf: (method: string) => RouteClass): RequestHandler {
  return (req, res, next) => {
    const routeClass = classOf(req.method);
    const callerId = contextOf(res).principal?.id;
    if (callerId === undefined || !limits.limited.has(routeClass)) return next();
    const waitMs = limits.take(routeClass, callerId);
    if (typeof waitMs === 'number') {
      refuseIfOver(waitMs, routeClass, res);
      return next();
    }
    waitMs.then((ms) => refuseIfOver(ms, routeClass, res)).then(() => next(), next);
  };
}

/** On /api: GET (and HEAD) are reads; anything that changes something is a write, starts included. */
export const apiRouteClass = (method: string): RouteClass => (method === 'GET' || method === 'HEAD' ? 'reads' : 'writes');

/** Every /api call, once the session is verified: reads and writes count in their own buckets. */
export const rateLimitApiCalls = (limits: CallerLimits): RequestHandler => rateLimitCallers(limits, apiRouteClass);

/** The engine-rest passthrough's engine call, behind the caller's passthrough bucket (the router has authenticated the caller by then). */
export function rateLimitedEngineCalls(limits: CallerLimits, engineProxy: RequestHandler): RequestHandler {
  if (!limits.limited.has('passthrough')) return engineProxy;
  const limited = rateLimitCallers(limits, () => 'passthrough');
  return (req, res, next: NextFunction) =>
    limited(req, res, (refusal?: unknown) => {
      if (refusal !== undefined) return next(refusal);
      // After a store's answer this runs outside the router's own try/catch.
      try {
        void engineProxy(req, res, next);
      } catch (error) {
        next(error);
      }
    });
}
