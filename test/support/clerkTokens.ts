import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';

export const TEST_ISSUER = 'https://clerk.example.test';
// Clerk's SDK only decodes this offline (frontend API = "clerk.example.test"); nothing is ever contacted.
export const TEST_PUBLISHABLE_KEY = 'pk_live_' + Buffer.from('clerk.example.test$').toString('base64');
export const DEFAULT_AZP = 'http://localhost:3000';

// Header `cat` values Clerk stamps on its JWTs (mirrors @clerk/backend src/tokens/jwtCategories.ts).
export const JWT_CATEGORY_SESSION_TOKEN = 'cl_B7d4PD111AAA';
export const JWT_CATEGORY_M2M_TOKEN = 'cl_B7d4PD333AAA';

export type PublicJwk = JsonWebKey & { kid: string; alg: 'RS256'; use: 'sig' };

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKeyPem: string;
  publicJwk: PublicJwk;
}

export interface SessionUser {
  id: string;
  email?: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  orgId?: string;
  orgSlug?: string;
  /** Without the `org:` prefix, e.g. 'managers'. */
  orgRole?: string;
  /** Full Clerk keys, `org:<feature>:<permission>`, e.g. 'org:tasks:complete'. */
  orgPermissions?: readonly string[];
  extraClaims?: Record<string, unknown>;
}

export interface SessionTokenOptions {
  azp?: string;
  aud?: string | string[];
  /** Relative to now; negative gives an already expired token. */
  expiresInSeconds?: number;
  /** Relative to now; default 10 s before iat, like Clerk. */
  notBeforeOffsetSeconds?: number;
  /** Relative to now. */
  issuedAtOffsetSeconds?: number;
  /** Header alg. RS256/RS384/RS512 sign with that hash; anything else only lies in the header (signature stays RS256). */
  alg?: string;
  /** Merged over the header last; an undefined value removes the field. */
  header?: Record<string, unknown>;
  /** Merged over the payload last; an undefined value removes the claim. */
  claims?: Record<string, unknown>;
}

export interface MachineTokenOptions {
  machineId: string;
  scopes: readonly string[];
  expiresInSeconds?: number;
  aud?: string | string[];
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

/** Two customer organisations: every test user but the ones named `other…` belongs to acme. */
export const testOrgs = {
  acme: 'org_2acmeTESTtestTESTtestTESTt',
  globex: 'org_2globexTESTtestTESTtestTE',
} as const;
const ACME_ORG_ID = testOrgs.acme;
const GLOBEX_ORG_ID = testOrgs.globex;

export const testUsers = {
  alice: {
    id: 'user_2aliceTESTtestTESTtestTEST',
    email: 'alice@example.test',
    name: 'Alice Anders',
    firstName: 'Alice',
    lastName: 'Anders',
    orgId: ACME_ORG_ID,
    orgSlug: 'acme',
    orgRole: 'member',
  },
  bob: {
    id: 'user_2bobTESTtestTESTtestTESTte',
    email: 'bob@example.test',
    name: 'Bob Brandt',
    firstName: 'Bob',
    lastName: 'Brandt',
    orgId: ACME_ORG_ID,
    orgSlug: 'acme',
    orgRole: 'member',
  },
  manager: {
    id: 'user_2managerTESTtestTESTtestTE',
    email: 'manager@example.test',
    name: 'Mia Manager',
    firstName: 'Mia',
    lastName: 'Manager',
    orgId: ACME_ORG_ID,
    orgSlug: 'acme',
    orgRole: 'managers',
    orgPermissions: ['org:tasks:read', 'org:tasks:complete'],
  },
  admin: {
    id: 'user_2adminTESTtestTESTtestTEST',
    email: 'admin@example.test',
    name: 'Ada Admin',
    firstName: 'Ada',
    lastName: 'Admin',
    orgId: ACME_ORG_ID,
    orgSlug: 'acme',
    orgRole: 'admin',
    orgPermissions: ['org:tasks:read', 'org:tasks:complete', 'org:processes:start'],
  },
  // globex is another customer: its creator is its admin, like every Clerk organisation's.
  otherAdmin: {
    id: 'user_2otherAdminTESTtestTESTtest',
    email: 'oscar@globex.test',
    name: 'Oscar Owner',
    orgId: GLOBEX_ORG_ID,
    orgSlug: 'globex',
    orgRole: 'admin',
  },
  otherManager: {
    id: 'user_2otherManagerTESTtestTESTt',
    email: 'gina@globex.test',
    name: 'Gina Globex',
    orgId: GLOBEX_ORG_ID,
    orgSlug: 'globex',
    orgRole: 'managers',
  },
  otherMember: {
    id: 'user_2otherMemberTESTtestTESTte',
    email: 'gus@globex.test',
    name: 'Gus Globex',
    orgId: GLOBEX_ORG_ID,
    orgSlug: 'globex',
    orgRole: 'member',
  },
} satisfies Record<'alice' | 'bob' | 'manager' | 'admin' | 'otherAdmin' | 'otherManager' | 'otherMember', SessionUser>;

export function createSigningKey(kid = 'ins_test_' + randomId(12)): SigningKey {
  // Clerk's networkless `jwtKey` path assumes the byte layout of a 2048-bit, e=65537 SPKI key.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  return fromPrivateKey(privateKey, kid);
}

export function signingKeyFromPrivatePem(pem: string, kid: string): SigningKey {
  return fromPrivateKey(createPrivateKey(pem), kid);
}

export function privateKeyPem(key: SigningKey): string {
  return key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function buildSessionClaims(user: SessionUser, opts: SessionTokenOptions = {}): Record<string, unknown> {
  const now = nowSeconds();
  const iatOffset = opts.issuedAtOffsetSeconds ?? 0;
  return withoutUndefined({
    azp: opts.azp ?? DEFAULT_AZP,
    ...(opts.aud !== undefined ? { aud: opts.aud } : {}),
    exp: now + (opts.expiresInSeconds ?? 60),
    fva: [0, -1],
    iat: now + iatOffset,
    iss: TEST_ISSUER,
    nbf: now + (opts.notBeforeOffsetSeconds ?? iatOffset - 10),
    sid: 'sess_' + randomId(27),
    sub: user.id,
    v: 2,
    ...orgClaims(user),
    ...(user.email !== undefined ? { email: user.email } : {}),
    ...(user.name !== undefined ? { name: user.name } : {}),
    ...(user.firstName !== undefined ? { first_name: user.firstName } : {}),
    ...(user.lastName !== undefined ? { last_name: user.lastName } : {}),
    ...user.extraClaims,
    ...opts.claims,
  });
}

/** A Clerk session token v2, as a browser would send it in `Authorization: Bearer`. */
export function mintSessionToken(key: SigningKey, user: SessionUser, opts: SessionTokenOptions = {}): string {
  const header = { alg: opts.alg ?? 'RS256', typ: 'JWT', kid: key.kid, ...opts.header };
  return signRs(key, header, buildSessionClaims(user, opts));
}

export function mintUnsignedToken(
  payload: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'none', typ: 'JWT' },
): string {
  return `${encodeSegment(header)}.${encodeSegment(payload)}.`;
}

/** E.g. with the RSA public key PEM as the secret, for the classic key-confusion attack. */
export function mintHs256Token(
  secret: string | Buffer,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const signingInput = `${encodeSegment(withoutUndefined(header))}.${encodeSegment(withoutUndefined(payload))}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

/**
 * A Clerk M2M token in JWT form. @clerk/backend treats any well-formed JWT whose `sub` starts with
 * `mch_` as M2M; `cat` must be absent or the M2M category, and it also makes `verifyToken` refuse
 * it as a session token.
 */
export function mintMachineToken(key: SigningKey, opts: MachineTokenOptions): string {
  const now = nowSeconds();
  const header = { alg: 'RS256', typ: 'JWT', kid: key.kid, cat: JWT_CATEGORY_M2M_TOKEN, ...opts.header };
  const payload = {
    ...(opts.aud !== undefined ? { aud: opts.aud } : {}),
    exp: now + (opts.expiresInSeconds ?? 3600),
    iat: now,
    iss: TEST_ISSUER,
    jti: 'mt_' + randomId(27),
    nbf: now - 10,
    scopes: opts.scopes.join(' '),
    sub: opts.machineId,
    ...opts.claims,
  };
  return signRs(key, header, payload);
}

/** An OAuth access token (`typ: at+jwt`) for a user: validly signed, but not a session token. */
export function mintOAuthAccessToken(key: SigningKey, user: SessionUser, opts: { scope?: string; expiresInSeconds?: number } = {}): string {
  const now = nowSeconds();
  const header = { alg: 'RS256', typ: 'at+jwt', kid: key.kid };
  const payload = {
    client_id: 'client_' + randomId(27),
    exp: now + (opts.expiresInSeconds ?? 60),
    iat: now,
    iss: TEST_ISSUER,
    jti: 'oat_' + randomId(27),
    nbf: now - 10,
    scope: opts.scope ?? 'profile email',
    sub: user.id,
  };
  return signRs(key, header, payload);
}

function fromPrivateKey(privateKey: KeyObject, kid: string): SigningKey {
  const publicKey = createPublicKey(privateKey);
  return {
    kid,
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
  };
}

/**
 * Clerk v2 encodes org permissions as features (`fea`, 'o:<feature>'), permission names
 * (`o.per`) and one decimal bitmap per feature (`o.fpm`, bit i = per[i]); see
 * @clerk/shared jwtPayloadParser. Clerk lists them back grouped by feature.
 */
function orgClaims(user: SessionUser): Record<string, unknown> {
  if (user.orgId === undefined) return {};
  const features: string[] = [];
  const permissions: string[] = [];
  const granted = new Map<string, Set<number>>();
  for (const key of user.orgPermissions ?? []) {
    const match = /^org:([^:,]+):([^,]+)$/.exec(key);
    if (!match) throw new Error(`orgPermissions entry must look like org:<feature>:<permission>, got ${key}`);
    const [, feature, permission] = match as unknown as [string, string, string];
    if (!features.includes(feature)) features.push(feature);
    if (!permissions.includes(permission)) permissions.push(permission);
    const bits = granted.get(feature) ?? new Set<number>();
    bits.add(permissions.indexOf(permission));
    granted.set(feature, bits);
  }
  const fpm = features.map((feature) =>
    [...(granted.get(feature) ?? [])].reduce((sum, bit) => sum | (1n << BigInt(bit)), 0n).toString(),
  );
  return {
    ...(features.length > 0 ? { fea: features.map((f) => `o:${f}`).join(',') } : {}),
    o: {
      id: user.orgId,
      rol: user.orgRole,
      slg: user.orgSlug,
      ...(permissions.length > 0 ? { per: permissions.join(','), fpm: fpm.join(',') } : {}),
    },
  };
}

function signRs(key: SigningKey, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const signingInput = `${encodeSegment(withoutUndefined(header))}.${encodeSegment(withoutUndefined(payload))}`;
  const hash = { RS384: 'sha384', RS512: 'sha512' }[String(header['alg'])] ?? 'sha256';
  return `${signingInput}.${sign(hash, Buffer.from(signingInput), key.privateKey).toString('base64url')}`;
}

function encodeSegment(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function randomId(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}
