import type { Registry } from 'prom-client';
import type { RateLimit, RateLimitStoreConfig, RouteClass } from '../config/env.js';
import type { Logger } from '../http/log.js';
import { inProcessLimits } from './inProcessBuckets.js';
import { sharedLimits } from './storeFailure.js';

/** The limits of the classes that have one; a class left out is not counted. */
export type ClassLimits = Readonly<Partial<Record<RouteClass, RateLimit>>>;

/**
 * Where callers' buckets live: in this process, or in a store every replica shares. Both keep the
 * same token bucket per caller and class, so a caller sees the same burst, refill and Retry-After.
 */
export interface CallerLimits {
  /** The classes with a limit. */
  readonly limited: ReadonlySet<RouteClass>;
  /**
   * Takes one call from the caller's bucket of that class: 0 when it may go ahead, else the
   * milliseconds until it may. A number at once from this process's buckets, a promise from a
   * store. Throws (or rejects with) a ProxyError when nothing can decide.
   */
  take(routeClass: RouteClass, callerId: string): number | Promise<number>;
  /** Lets go of the store's connection. */
  close(): void;
}

export interface FairUseDeps {
  log: Logger;
  /** Where the store's metrics are registered. */
  registry: Registry;
}

/** The callers' buckets as configured: in this process, or shared through RATE_LIMIT_STORE. */
export function createCallerLimits(limits: ClassLimits, store: RateLimitStoreConfig | undefined, deps: FairUseDeps): CallerLimits {
  return store && Object.keys(limits).length > 0 ? sharedLimits(store, limits, deps) : inProcessLimits(limits);
}

/** The classes of `limits` that are set (an `off` class is undefined). */
export const setLimits = (limits: Readonly<Record<RouteClass, RateLimit | undefined>>): ClassLimits =>
  Object.fromEntries(Object.entries(limits).filter(([, limit]) => limit !== undefined)) as ClassLimits;
