import { TokenBucket } from 'limiter';
import { LRUCache } from 'lru-cache';
import type { RateLimit, RouteClass } from '../config/env.js';
import type { CallerLimits, ClassLimits } from './callerLimits.js';

/** Callers remembered per route class at most; the least recently seen one's bucket goes first. */
export const MAX_TRACKED_CALLERS = 100_000;

/** How often buckets that are full again are dropped (one timer per class, made at start). */
export const FORGET_FULL_BUCKETS_EVERY_MS = 1_000;

/**
 * One token bucket per caller: `burst` calls at once, refilled continuously at `burst` per interval.
 * In memory, in this process: the default, and what decides while a shared store is down.
 *
 * A bucket that has dripped full again is the same as a new one, so forgetting it changes nothing:
 * each bucket is kept only until it would be full (a caller who made one read at 600/minute: 0.1 s),
 * and one timer per class drops those every second. A caller who used up their calls is kept for as
 * long as that takes to refill, at most an interval. So memory follows the callers who are spending
 * calls now, not every caller of the last interval: a flood of 100,000 distinct users, one call each,
 * kept ~20 MiB of buckets for a minute before (bench/README.md, the token flood).
 */
export class CallerBuckets {
  private readonly buckets: LRUCache<string, TokenBucket>;
  private readonly forgetFull: NodeJS.Timeout;

  constructor(private readonly limit: RateLimit) {
    // ttlResolution 0: lru-cache otherwise caches "now" for 1 ms behind a new timer, one per
    // request at moderate load; reading the clock each time is cheaper.
    // A bucket past its time is full, so it is used as it is (allowStale) and not deleted on the way
    // (noDeleteOnStaleGet): lru-cache deletes its last entry by clearing every one of its `max`
    // slots, which a lone caller whose bucket refills between calls paid on every call.
    this.buckets = new LRUCache({ max: MAX_TRACKED_CALLERS, ttl: limit.intervalMs, ttlResolution: 0, allowStale: true, noDeleteOnStaleGet: true });
    this.forgetFull = setInterval(() => this.buckets.purgeStale(), FORGET_FULL_BUCKETS_EVERY_MS).unref();
  }

  /** Takes one call from the caller's bucket: 0 when it may go ahead, else the milliseconds until it may. */
  take(callerId: string): number {
    let bucket = this.buckets.get(callerId);
    if (!bucket) {
      bucket = new TokenBucket({ bucketSize: this.limit.burst, tokensPerInterval: this.limit.burst, interval: this.limit.intervalMs });
      bucket.content = this.limit.burst; // limiter starts a bucket empty; a caller's first calls are not a burst to refuse
    }
    const wait = bucket.tryRemoveTokens(1) ? 0 : bucket.getWaitTime(1);
    // Kept until it has dripped full again (at least 1 ms: lru-cache reads 0 as "no expiry").
    const untilFull = Math.ceil(((this.limit.burst - bucket.content) * this.limit.intervalMs) / this.limit.burst);
    this.buckets.set(callerId, bucket, { ttl: Math.max(1, untilFull) });
    return wait;
  }

  /** Callers whose bucket is not full (for tests and the flood bench). */
  tracked(): number {
    return this.buckets.size;
  }

  close(): void {
    clearInterval(this.forgetFull);
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
    close: () => {
      for (const classBuckets of Object.values(buckets)) classBuckets.close();
    },
  };
}
