import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AuthenticationFailed, type Authenticator } from './clerkSession.js';
import type { Principal } from './principal.js';

export interface VerifiedTokenCacheOptions {
  /** Entries at most; the least recently used go first, so memory stays flat under a flood. */
  maxEntries?: number;
  /** An entry never outlives this, even if the token lives longer. */
  maxTtlMs?: number;
  /** Entries end this long before the token's `exp`, so the cache never outlives what Clerk accepts. */
  clockSkewMs?: number;
  /** How long a rejected token is remembered (only for reasons that cannot change with time). */
  failureTtlMs?: number;
  now?: () => number;
}

/**
 * Headers looked up by their exact text before the digest is taken. A frontend repeats the same
 * header for a minute, and a SHA-256 of a ~1 KB token was the largest single cost of a cached
 * request; a few hundred of the most recently verified headers (a few hundred KB) skip it.
 */
export const RECENT_HEADERS = 256;

// A token rejected for these stays rejected: remembering it saves a signature check per retry.
// Not cached: "not active yet" (it may become valid) and key-source failures (keys may arrive).
const lastingFailures = new Set([
  'token-expired',
  'token-invalid-signature',
  'token-invalid-algorithm',
  'token-invalid-authorized-parties',
  'token-invalid-audience',
  'missing-audience',
  'token-type-mismatch',
  'token-invalid',
]);

/**
 * Remembers successful Clerk verifications by a SHA-256 of the exact token until the token expires
 * (minus the clock skew) or `maxTtlMs`, whichever is sooner. Frontends send the same session token
 * many times in its ~60 s life, so verification (about 0.5 ms of CPU here, see README Performance) happens once per token.
 * Everything that depends on the request rather than the token (route rules, policies) still runs
 * on every request, after this.
 */
interface VerifiedEntry {
  readonly principal: Principal;
  readonly until: number;
}

export function withVerifiedTokenCache(
  inner: Authenticator,
  options: VerifiedTokenCacheOptions = {},
): Authenticator & { size(): number; known(authorization: string | undefined): Principal | undefined } {
  const now = options.now ?? Date.now;
  const maxTtlMs = options.maxTtlMs ?? 60_000;
  const clockSkewMs = options.clockSkewMs ?? 5_000;
  const failureTtlMs = options.failureTtlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const verified = new LRUCache<string, VerifiedEntry>({ max: maxEntries });
  const rejected = new LRUCache<string, { failure: AuthenticationFailed; until: number }>({ max: maxEntries });
  // Oldest first (a Map keeps insertion order): the first key is the one to drop.
  const recent = new Map<string, VerifiedEntry>();
  const remember = (authorization: string, entry: VerifiedEntry) => {
    if (recent.size >= RECENT_HEADERS) recent.delete(recent.keys().next().value!);
    recent.set(authorization, entry);
  };

  /** The verified entry for exactly this header, if it is still good at `at`. */
  const verifiedAt = (authorization: string, at: number): VerifiedEntry | undefined => {
    const seen = recent.get(authorization);
    if (seen && seen.until > at) return seen;
    // A digest of the exact header, not the ~1 KB token itself: the bound is what keeps memory flat.
    const hit = verified.get(hash('sha256', authorization, 'base64url'));
    if (!hit || hit.until <= at) return undefined;
    remember(authorization, hit);
    return hit;
  };

  return {
    size: () => verified.size + rejected.size,
    known: (authorization) => (authorization ? verifiedAt(authorization, now())?.principal : undefined),
    async authenticate(authorization) {
      if (!authorization) return inner.authenticate(authorization);
      const at = now();
      const hit = verifiedAt(authorization, at);
      if (hit) return hit.principal;
      const key = hash('sha256', authorization, 'base64url');
      const miss = rejected.get(key);
      if (miss && miss.until > at) throw miss.failure;
      try {
        const principal = await inner.authenticate(authorization);
        const until = Math.min(principal.expiresAt * 1000 - clockSkewMs, at + maxTtlMs);
        if (until > at) {
          const entry = { principal, until };
          verified.set(key, entry);
          remember(authorization, entry);
        }
        return principal;
      } catch (error) {
        if (error instanceof AuthenticationFailed && lastingFailures.has(error.reason)) {
          rejected.set(key, { failure: error, until: at + failureTtlMs });
        }
        throw error;
      }
    },
  };
}
