import type { Logger } from '../http/log.js';
import { hasCompleteProfile, withProfile, type Principal } from './principal.js';

export interface UserProfile {
  email: string;
  name: string;
}

/** Fills in email and name that the session token does not carry. */
export interface UserDirectory {
  complete(principal: Principal): Promise<Principal>;
}

interface Entry {
  expiresAt: number;
  profile: Promise<UserProfile | undefined>;
}

export interface ClerkUserDirectoryOptions {
  apiUrl: string;
  secretKey: string;
  log: Logger;
  ttlMs?: number;
  failureTtlMs?: number;
  timeoutMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface ClerkUserJson {
  first_name?: string | null;
  last_name?: string | null;
  username?: string | null;
  primary_email_address_id?: string | null;
  email_addresses?: { id: string; email_address: string }[];
}

function profileFromClerkUser(user: ClerkUserJson): UserProfile {
  const primary = user.email_addresses?.find((address) => address.id === user.primary_email_address_id) ?? user.email_addresses?.[0];
  const name = [user.first_name, user.last_name].filter((part) => part && part.trim()).join(' ') || user.username || '';
  return { email: primary?.email_address ?? '', name };
}

/**
 * Looks users up in Clerk's Backend API and remembers them per user (5 minutes by default).
 * A failed lookup never fails the request: the caller falls back to id-based stamps, and the
 * failure is remembered briefly so that an outage does not cost a round trip per request.
 */
export function createClerkUserDirectory(options: ClerkUserDirectoryOptions): UserDirectory {
  const { apiUrl, secretKey, log } = options;
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const failureTtlMs = options.failureTtlMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  async function fetchProfile(userId: string): Promise<UserProfile | undefined> {
    try {
      const response = await fetch(`${apiUrl}/v1/users/${encodeURIComponent(userId)}`, {
        headers: { authorization: `Bearer ${secretKey}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      if (!response.ok) {
        log.warn('user lookup failed', { userId, status: response.status });
        return undefined;
      }
      return profileFromClerkUser((await response.json()) as ClerkUserJson);
    } catch (error) {
      log.warn('user lookup failed', { userId, reason: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  }

  function lookup(userId: string): Promise<UserProfile | undefined> {
    const cached = entries.get(userId);
    if (cached && cached.expiresAt > now()) return cached.profile;
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
    const profile = fetchProfile(userId);
    const entry: Entry = { expiresAt: now() + ttlMs, profile };
    entries.set(userId, entry);
    void profile.then((found) => {
      if (!found) entry.expiresAt = now() + failureTtlMs;
    });
    return profile;
  }

  return {
    async complete(principal) {
      if (hasCompleteProfile(principal)) return principal;
      return withProfile(principal, await lookup(principal.id));
    },
  };
}

/** Without a secret key there is no one to ask: fall back to what the token says. */
export const claimsOnlyDirectory: UserDirectory = {
  complete: async (principal) => withProfile(principal, undefined),
};
