import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { Logger } from '../http/log.js';

/** Resolves a token's `kid` to a PEM that Clerk's networkless verification can use. */
export interface SigningKeyResolver {
  pemFor(kid: string | undefined): Promise<string | undefined>;
}

export interface JwksKeyringOptions {
  jwksUrl: string;
  log: Logger;
  /** Keys are re-read after this long even when every kid is known. */
  maxAgeMs?: number;
  /**
   * After a refresh that did not find a kid, unknown kids wait this long before the next fetch, so
   * junk kids cannot hammer the JWKS while a freshly rotated key is still picked up at once.
   */
  missCooldownMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

function pemFromJwk(jwk: JsonWebKey): string | undefined {
  if (jwk.kty !== 'RSA' || (jwk.use && jwk.use !== 'sig')) return undefined;
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  // Clerk's networkless verification only understands 2048-bit RSA keys with e=65537.
  const details = key.asymmetricKeyDetails;
  if (details?.modulusLength !== 2048 || details.publicExponent !== 65537n) return undefined;
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * The earlier proxy took a public JWKS URL. Clerk's SDK can only fetch JWKS through the
 * Backend API (which needs the secret key), so the proxy reads the public JWKS itself.
 */
export function createJwksKeyring(options: JwksKeyringOptions): SigningKeyResolver {
  const { jwksUrl, log } = options;
  const maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
  const missCooldownMs = options.missCooldownMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const now = options.now ?? Date.now;

  let keys = new Map<string, string>();
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let missedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    fetchedAt = now();
    try {
      const response = await fetch(jwksUrl, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
      const body = (await response.json()) as { keys?: (JsonWebKey & { kid?: string })[] };
      const next = new Map<string, string>();
      for (const jwk of body.keys ?? []) {
        const pem = jwk.kid ? pemFromJwk(jwk) : undefined;
        if (jwk.kid && pem) next.set(jwk.kid, pem);
      }
      keys = next;
    } catch (error) {
      // Keep the keys we had: a JWKS outage must not sign everyone out.
      log.warn('JWKS refresh failed', { reason: error instanceof Error ? error.message : String(error) });
    }
  }

  function refreshOnce(): Promise<void> {
    inFlight ??= refresh().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return {
    async pemFor(kid) {
      if (!kid) return undefined;
      if (now() - fetchedAt > maxAgeMs || (!keys.has(kid) && now() - missedAt > missCooldownMs)) {
        await refreshOnce();
        if (!keys.has(kid)) missedAt = now();
      }
      return keys.get(kid);
    },
  };
}
