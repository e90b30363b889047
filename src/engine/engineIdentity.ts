import { createHmac, createSecretKey, randomUUID, type KeyObject } from 'node:crypto';

/**
 * Who the engine should record as acting, when the engine has the identity plugin
 * (engine-identity-plugin/): the Clerk user, the candidate groups the proxy authorizes with, and
 * the engine tenants (Clerk organisations) the user reaches; `all` for every tenant.
 */
export interface EngineIdentity {
  readonly userId: string;
  readonly groups: readonly string[];
  readonly tenants: readonly string[] | 'all';
}

/** The header the plugin reads. headerHygiene.ts drops every client header, this one included. */
export const ENGINE_IDENTITY_HEADER = 'x-engine-identity';

const VERSION = 'v1';

/** The header's value for one engine request: `method` and `path` (with the query) exactly as sent. */
export type IdentitySigner = (identity: EngineIdentity, method: string, path: string) => string;

export interface SignerClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** 16 to 64 base64url characters, never repeated. */
  nonce(): string;
}

const systemClock: SignerClock = { now: Date.now, nonce: randomUUID };

/**
 * An id as the plugin decodes it (java.net.URLDecoder): percent-encoded, so that neither the list
 * comma nor the field newline can appear in it, with `*` encoded too (a bare `*` means every
 * tenant). The Buffer round trip turns a lone surrogate into U+FFFD, which encodeURIComponent
 * would otherwise throw for.
 */
const encodeId = (id: string): string => encodeURIComponent(Buffer.from(id, 'utf8').toString('utf8')).replace(/\*/g, '%2A');

const encodeList = (ids: readonly string[]): string => ids.map(encodeId).join(',');

/** `/x?` and `/x` are one path: servlet containers differ on an empty query. */
const canonicalPath = (path: string): string => (path.endsWith('?') ? path.slice(0, -1) : path);

/**
 * The signed identity header, the one format the plugin's IdentityVerifier checks:
 *
 *     v1.<base64url(payload)>.<base64url(HMAC-SHA256(secret, message))>
 *     payload = userId \n groups \n tenants \n timestamp \n nonce
 *     message = "v1" \n METHOD \n path?query \n payload
 *
 * The method and path bind the header to one request; the timestamp and nonce make it usable
 * once, within the plugin's validity window (30 s by default).
 */
export function createIdentitySigner(secret: string, clock: SignerClock = systemClock): IdentitySigner {
  const key: KeyObject = createSecretKey(Buffer.from(secret, 'utf8'));
  return (identity, method, path) => {
    const tenants = identity.tenants === 'all' ? '*' : encodeList(identity.tenants);
    const payload = [encodeId(identity.userId), encodeList(identity.groups), tenants, String(clock.now()), clock.nonce()].join('\n');
    const signature = createHmac('sha256', key).update(`${VERSION}\n${method}\n${canonicalPath(path)}\n${payload}`).digest('base64url');
    return `${VERSION}.${Buffer.from(payload, 'utf8').toString('base64url')}.${signature}`;
  };
}
