import { Redis } from 'ioredis';
import type { RateLimitStoreConfig, RouteClass } from '../config/env.js';
import type { ClassLimits } from './callerLimits.js';

/**
 * The in-process token bucket, kept in Redis as one number per caller and class: the moment its
 * bucket is full again (GCRA's "theoretical arrival time"). At `now` the bucket holds
 * burst − (fullAt − now) / perToken calls, so "a token is there" is "fullAt + perToken − interval
 * ≤ now", and the wait for one is the difference. It is the same bucket as limiter's: full for a
 * new caller, `burst` calls at once, refilled continuously, the same Retry-After.
 *
 * Redis has no token bucket of its own and rate-limiter-flexible only counts fixed windows, so the
 * check-and-take is this script: atomic in Redis, on Redis' clock (replicas' clocks may disagree),
 * and the key expires when the bucket is full again, like the in-process LRU forgets it.
 *
 * KEYS[1] the caller's bucket; ARGV[1] µs per token (interval / burst); ARGV[2] the interval in µs.
 * Answers 0 when a call was taken, else the µs until one is there.
 */
const takeTokenScript = `
local time = redis.call('TIME')
local now = time[1] * 1000000 + time[2]
local perToken = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local fullAt = math.max(tonumber(redis.call('GET', KEYS[1])) or 0, now)
local taken = fullAt + perToken
local wait = taken - interval - now
if wait > 0 then return math.ceil(wait) end
redis.call('SET', KEYS[1], string.format('%.17g', taken), 'PX', math.ceil((taken - now) / 1000))
return 0
`;

type StoreClient = Redis & { takeFairUseToken(key: string, perTokenUs: string, intervalUs: string): Promise<number> };

/** Keys are `clerk-camunda-proxy:fair-use:<class>:<caller id>`; another database in the URL keeps deployments apart. */
export const KEY_PREFIX = 'clerk-camunda-proxy:fair-use:';

export interface SharedBuckets {
  /** The connection: its `status` and events tell whether the store can be asked. */
  readonly client: Redis;
  /** 0 when the call may go ahead, else the milliseconds until it may; rejects when the store does not answer. */
  take(routeClass: RouteClass, callerId: string): Promise<number>;
}

/** One connection to the store for this process; it reconnects by itself, and never queues a call while it is down. */
export function createSharedBuckets(store: RateLimitStoreConfig, limits: ClassLimits): SharedBuckets {
  const client = new Redis(store.url, {
    connectionName: 'clerk-camunda-proxy',
    // A request never waits for a store that is not there: no queue while disconnected, no resending
    // after a reconnect, and an answer that takes longer than the timeout is an error (the socket is
    // then dropped and reconnected, so a hung store costs one timeout, not one per request).
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: store.timeoutMs,
    socketTimeout: store.timeoutMs,
    connectTimeout: Math.max(store.timeoutMs, 1_000),
    // Reconnect at once, then for ever at most a second apart: a store that comes back is used again within a second.
    retryStrategy: (attempt) => Math.min((attempt - 1) * 100, 1_000),
    // Calls of one event-loop turn go to the store in one write.
    enableAutoPipelining: true,
  }) as StoreClient;
  client.defineCommand('takeFairUseToken', { numberOfKeys: 1, lua: takeTokenScript });

  // Worked out once: the key prefix and the script's arguments of each class.
  const classes = Object.fromEntries(
    Object.entries(limits).map(([routeClass, { burst, intervalMs }]) => [
      routeClass,
      { prefix: `${KEY_PREFIX}${routeClass}:`, perTokenUs: String((intervalMs * 1000) / burst), intervalUs: String(intervalMs * 1000) },
    ]),
  ) as Partial<Record<RouteClass, { prefix: string; perTokenUs: string; intervalUs: string }>>;

  return {
    client,
    async take(routeClass, callerId) {
      const bucket = classes[routeClass];
      if (!bucket) return 0;
      return (await client.takeFairUseToken(`${bucket.prefix}${callerId}`, bucket.perTokenUs, bucket.intervalUs)) / 1000;
    },
  };
}
