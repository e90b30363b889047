import { TokenBucket } from 'limiter';
import { LRUCache } from 'lru-cache';
import type { RateLimit, RouteClass } from '../config/env.js';
import type { CallerLimits, ClassLimits } from './callerLimits.js';

/** Callers remembered per route class at most; the least recently seen one's bucket goes first. */
export const MAX_TRACKED_CALLERS = 100_000;

/**
 * One token bucket per caller: `burst` calls at once, refilled continuously at `burst` per interval.
 * In memory, in this process: the default, and what decides while a shared store is down.
 */
export class CallerBuckets {
  private readonly buckets: LRUCache<string, TokenBucket>;

  constructor(private readonly limit: RateLimit) {
    // A bucket left alone for a whole interval is full again, the same as a new one: forgetting it changes nothing.
    // ttlResolution 0: lru-cache otherwise caches "now" for 1 ms behind a new timer, one per
    // request at moderate load; reading the clock each time is cheaper.
    this.buckets = new LRUCache({ max: MAX_TRACKED_CALLERS, ttl: limit.intervalMs, updateAgeOnGet: true, ttlResolution: 0 });
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

/** Buckets in this process answer at once, never with a promise. */
export interface InProcessLimits extends CallerLimits {
  take(routeClass: RouteClass, callerId: string): number;
}

/** Every class's buckets in this process. */
export function inProcessLimits(limits: ClassLimits): InProcessLimits {
  const buckets = Object.fromEntries(
    Object.entries(limits).map(([routeClass, limit]) => [routeClass, new CallerBuckets(limit)]),
  ) as Partial<Record<RouteClass, CallerBuckets>>;
  return {
    limited: new Set(Object.keys(buckets) as RouteClass[]),
    take: (routeClass, callerId) => buckets[routeClass]?.take(callerId) ?? 0,
    close: () => undefined,
  };
}
