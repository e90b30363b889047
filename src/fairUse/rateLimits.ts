import type { RequestHandler } from 'express';
import { TokenBucket } from 'limiter';
import { LRUCache } from 'lru-cache';
import type { RateLimit, RouteClass } from '../config/env.js';
import { ProxyError } from '../http/errors.js';
import { contextOf } from '../http/requestContext.js';

/** Callers remembered per route class at most; the least recently seen one's bucket goes first. */
export const MAX_TRACKED_CALLERS = 100_000;

/**
 * One token bucket per caller: `burst` calls at once, refilled continuously at `burst` per interval.
 * In memory, per process: these machines have no shared store (see the README on sizing).
 */
export class CallerBuckets {
  private readonly buckets: LRUCache<string, TokenBucket>;

  constructor(private readonly limit: RateLimit) {
    // A bucket left alone for a whole interval is full again, the same as a new one: forgetting it changes nothing.
    this.buckets = new LRUCache({ max: MAX_TRACKED_CALLERS, ttl: limit.intervalMs, updateAgeOnGet: true });
  }

  /** Takes one call from the caller's bucket: 0 when it may go ahead, else the milliseconds until it may. */
  take(callerId: string): number {
    let bucket = this.buckets.get(callerId);
    if (!bucket) {
      bucket = new TokenBucket({ bucketSize: this.limit.burst, tokensPerInterval: this.limit.burst, interval: this.limit.intervalMs });
      bucket.content = this.limit.burst; // limiter starts a bucket empty; a caller's first calls are not a burst to refuse
      this.buckets.set(callerId, bucket);
    }
    return bucket.tryRemoveTokens(1) ? 0 : bucket.getWaitTime(1);
  }
}

const classNames: Readonly<Record<RouteClass, string>> = { reads: 'read', writes: 'write', passthrough: 'engine-rest' };

/**
 * Fair use of the engine, per verified caller (a user's or a machine's id), so it runs after
 * authentication. Over the limit: 429 with Retry-After, and nothing reaches the engine.
 * `classOf` picks the bucket a request takes from; a class without a limit is not counted.
 */
export function rateLimitCallers(limits: Readonly<Partial<Record<RouteClass, RateLimit>>>, classOf: (method: string) => RouteClass): RequestHandler {
  const buckets = Object.fromEntries(
    Object.entries(limits).flatMap(([routeClass, limit]) => (limit ? [[routeClass, new CallerBuckets(limit)]] : [])),
  ) as Partial<Record<RouteClass, CallerBuckets>>;
  return (req, res, next) => {
    const routeClass = classOf(req.method);
    const callerId = contextOf(res).principal?.id;
    const waitMs = callerId === undefined ? 0 : (buckets[routeClass]?.take(callerId) ?? 0);
    if (waitMs === 0) return next();
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
    throw new ProxyError(429, 'rate_limited', `too many ${classNames[routeClass]} calls; try again in ${Math.max(1, Math.ceil(waitMs / 1000))} s`);
  };
}

/** On /api: GET (and HEAD) are reads; anything that changes something is a write, starts included. */
export const apiRouteClass = (method: string): RouteClass => (method === 'GET' || method === 'HEAD' ? 'reads' : 'writes');

/** Every /api call, once the session is verified: reads and writes count in their own buckets. */
export const rateLimitApiCalls = (limits: Readonly<Record<RouteClass, RateLimit | undefined>>): RequestHandler =>
  rateLimitCallers({ reads: limits.reads, writes: limits.writes }, apiRouteClass);

/** The engine-rest passthrough's engine call, behind the caller's passthrough bucket (the router has authenticated the caller by then). */
export function rateLimitedEngineCalls(limit: RateLimit | undefined, engineProxy: RequestHandler): RequestHandler {
  if (!limit) return engineProxy;
  const limited = rateLimitCallers({ passthrough: limit }, () => 'passthrough');
  return (req, res, next) => limited(req, res, () => engineProxy(req, res, next));
}
