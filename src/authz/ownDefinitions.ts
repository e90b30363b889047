import { LRUCache } from 'lru-cache';

/**
 * Whether an organisation has a definition of its own for a process key: the one engine question
 * the by-key routes (start, the definition, its form and XML) ask before they run (see
 * policies/tenantDefinition.ts). It changes only when definitions are deployed or deleted, so the
 * answer is kept for a short time, and forgotten at once when the organisation deploys through
 * the proxy. It decides which of the organisation's definitions a call uses, never whether the
 * caller may reach it: who may see a task or an instance is asked every time.
 */
export interface OwnDefinitions {
  /** The kept answer, or `ask`'s (asked once however many calls wait for it). */
  has(orgId: string, key: string, ask: () => Promise<boolean>): Promise<boolean>;
  /** After the organisation deployed: its next calls ask the engine again. */
  forgetOrganisation(orgId: string): void;
}

/** Organisation and key pairs kept at most. */
const MAX_ENTRIES = 10_000;

const entryKey = (orgId: string, key: string) => `${orgId}\u0000${key}`;

/** `ttlMs` 0: nothing is kept, every call asks (DEFINITION_CACHE_TTL=0). */
export function ownDefinitionsCache(ttlMs: number): OwnDefinitions {
  if (ttlMs === 0) return { has: (_orgId, _key, ask) => ask(), forgetOrganisation: () => undefined };
  const answers = new LRUCache<string, Promise<boolean>>({ max: MAX_ENTRIES, ttl: ttlMs });
  return {
    has(orgId, key, ask) {
      const at = entryKey(orgId, key);
      let answer = answers.get(at);
      if (!answer) {
        answer = ask();
        answers.set(at, answer);
        // A failed question is not an answer: the next call asks again.
        answer.catch(() => {
          if (answers.get(at) === answer) answers.delete(at);
        });
      }
      return answer;
    },
    forgetOrganisation(orgId) {
      const prefix = entryKey(orgId, '');
      for (const at of [...answers.keys()]) if (at.startsWith(prefix)) answers.delete(at);
    },
  };
}
