import { createClerkClient } from '@clerk/express';
import type { RequestHandler } from 'express';
import type { AccessConfig, ClerkConfig } from '../config/env.js';
import { ProxyError } from '../http/errors.js';
import type { Logger } from '../http/log.js';
import type { SigningKeyResolver } from './jwksKeyring.js';
import { principalFrom, type Principal, type SessionAuth } from './principal.js';
import { contextOf } from '../http/requestContext.js';

/** Turns an `Authorization` header into a Principal, or throws a 401 ProxyError. */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal>;
  /**
   * The principal already verified for exactly this header, at once; undefined when it has to be
   * verified (or refused) by `authenticate`. Lets a cached session skip the promise round.
   */
  known?(authorization: string | undefined): Principal | undefined;
}

/** A Clerk machine (M2M token in JWT form): accepted on passthrough paths that allow machines. */
export interface MachinePrincipal {
  readonly kind: 'machine';
  /** `mch_…` */
  readonly id: string;
  readonly scopes: readonly string[];
}

declare module '../http/requestContext.js' {
  interface RequestContext {
    /** Who is calling: a signed-in user, or (on /engine-rest only) a Clerk machine. Set by requireSession or the passthrough. */
    principal?: Principal | MachinePrincipal;
  }
}

const isMachine = (principal: Principal | MachinePrincipal): principal is MachinePrincipal => 'kind' in principal && principal.kind === 'machine';

/** The signed-in user of an /api request (requireSession ran before every /api stage). */
export function signedInUser(res: { locals: object }): Principal {
  const { principal } = contextOf(res);
  if (!principal || isMachine(principal)) throw new Error('no signed-in user on this request: requireSession must run first');
  return principal;
}

export interface MachineAuthenticator {
  authenticateMachine(authorization: string | undefined): Promise<MachinePrincipal>;
}

export type TokenKind = 'missing' | 'malformed' | 'opaque' | 'machine' | 'session';

/**
 * What kind of token a bearer header carries, without verifying it: Clerk treats a JWT whose
 * `sub` starts with `mch_` as M2M; `mt_`, `ak_` and `oat_` tokens are opaque and would need a call
 * to Clerk's API per token.
 */
export function tokenKind(authorization: string | undefined): TokenKind {
  if (!authorization) return 'missing';
  const bearer = bearerTokenOf(authorization);
  if (!bearer) return 'malformed';
  if (/^(mt|ak|oat)_/.test(bearer)) return 'opaque';
  const token = jwtOf(authorization);
  if (!token || !headerOf(token)) return 'malformed';
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub?: unknown };
    return typeof payload.sub === 'string' && payload.sub.startsWith('mch_') ? 'machine' : 'session';
  } catch {
    return 'malformed';
  }
}

export type AuthFailureReason =
  | 'missing-token'
  | 'malformed-token'
  | 'unknown-signing-key'
  | 'missing-audience'
  | 'not-a-session-token'
  | string;

export class AuthenticationFailed extends ProxyError {
  constructor(
    readonly reason: AuthFailureReason,
    detail: string,
  ) {
    super(401, 'unauthenticated', detail);
  }
}

// What a client sees for each of Clerk's reasons. Clerk's own messages mention dashboards and env vars.
const detailForReason: Record<string, string> = {
  'token-expired': 'token expired',
  'token-not-active-yet': 'token not active yet (nbf is in the future)',
  'token-iat-in-the-future': 'token issued in the future (iat)',
  'token-invalid-signature': 'token signature is invalid',
  'token-invalid-algorithm': 'token algorithm is not allowed (RS256 only)',
  'token-invalid-authorized-parties': 'token azp is not an authorized party',
  'token-invalid-audience': 'token audience (aud) does not match',
  'token-invalid-issuer': 'token issuer is invalid',
  'token-invalid': 'token is invalid',
  'token-type-mismatch': 'not a session token (machine and OAuth tokens are not accepted here)',
  'jwk-kid-mismatch': 'token was signed by an unknown key',
  'jwk-remote-failed-to-load': 'signing keys could not be loaded',
};

/** Clerk reports some failures under handshake-flavoured or generic reasons; name them plainly. */
function failureReason(reason: string | null | undefined, message: string | null | undefined): string {
  if (!reason) return 'unauthenticated';
  if (reason.startsWith('session-token-expired')) return 'token-expired';
  if (reason === 'session-token-nbf') return 'token-not-active-yet';
  if (reason === 'session-token-iat-in-the-future') return 'token-iat-in-the-future';
  if (reason === 'token-verification-failed' && /audience/i.test(message ?? '')) return 'token-invalid-audience';
  return reason;
}

/** The one parser of the bearer header: the token of `Authorization: Bearer <token>`. */
const bearerTokenOf = (authorization: string): string | undefined => /^Bearer +(\S+)\s*$/.exec(authorization)?.[1];

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The bearer token, if it has a JWT's three parts. */
function jwtOf(authorization: string): string | undefined {
  const token = bearerTokenOf(authorization);
  return token !== undefined && JWT_SHAPE.test(token) ? token : undefined;
}

function headerOf(token: string): { kid?: string; alg?: string } | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as unknown;
    return header && typeof header === 'object' ? (header as { kid?: string; alg?: string }) : undefined;
  } catch {
    return undefined;
  }
}

// Clerk asserts a secret key for every session verification, even a networkless one that never
// calls its API. The keys below are never sent anywhere: with a jwtKey and only a bearer header,
// Clerk has no reason to call its API (no JWKS fetch, no refresh, no handshake).
const NETWORKLESS_SECRET_KEY = 'sk_live_networkless-verification-only';

export interface ClerkAuthenticatorDeps {
  keyring?: SigningKeyResolver;
  access?: AccessConfig;
  log: Logger;
}

export function createClerkAuthenticator(config: ClerkConfig, deps: ClerkAuthenticatorDeps): Authenticator & MachineAuthenticator {
  const clerk = createClerkClient({
    publishableKey: config.publishableKey,
    secretKey: config.secretKey ?? NETWORKLESS_SECRET_KEY,
    apiUrl: config.apiUrl,
  });
  const audience = config.audience.length > 0 ? [...config.audience] : undefined;
  const authorizedParties = config.authorizedParties.length > 0 ? [...config.authorizedParties] : undefined;

  async function jwtKeyFor(kid: string | undefined): Promise<string | undefined> {
    const fromJwks = deps.keyring ? await deps.keyring.pemFor(kid) : undefined;
    if (fromJwks) return fromJwks;
    if (config.jwtKey) return config.jwtKey;
    if (config.secretKey) return undefined; // Clerk fetches the JWKS from its Backend API.
    throw new AuthenticationFailed('unknown-signing-key', detailForReason['jwk-kid-mismatch']!);
  }

  /**
   * Clerk sees a request carrying nothing but the bearer header: no cookies, no Accept: text/html
   * and no Sec-Fetch-Dest, so it never answers with a handshake redirect, and a token in a cookie
   * or in the query string cannot count.
   */
  async function verify(authorization: string | undefined, acceptsToken: 'session_token' | 'm2m_token') {
    if (!authorization) throw new AuthenticationFailed('missing-token', 'missing bearer token in the Authorization header');
    const token = jwtOf(authorization);
    const header = token ? headerOf(token) : undefined;
    if (!token || !header) throw new AuthenticationFailed('malformed-token', 'malformed bearer token');
    const request = new Request('http://proxy.invalid/', { headers: { authorization: `Bearer ${token}` } });
    const jwtKey = await jwtKeyFor(header.kid);
    return acceptsToken === 'session_token'
      ? clerk.authenticateRequest(request, { jwtKey, authorizedParties, audience, acceptsToken })
      : clerk.authenticateRequest(request, { jwtKey, acceptsToken });
  }

  return {
    async authenticate(authorization) {
      const state = await verify(authorization, 'session_token');
      if (!state.isAuthenticated) {
        const reason = failureReason(state.reason, state.message);
        throw new AuthenticationFailed(reason, detailForReason[reason] ?? 'token rejected');
      }
      const auth = state.toAuth() as unknown as SessionAuth & { isAuthenticated: boolean };
      if (!auth.isAuthenticated || !auth.userId) throw new AuthenticationFailed('session-pending', 'session is not active');
      // Clerk lets a token without any `aud` through even when an audience is configured.
      if (audience && auth.sessionClaims.aud === undefined) {
        throw new AuthenticationFailed('missing-audience', 'token has no audience (aud) claim');
      }
      return principalFrom(auth, deps.access);
    },

    async authenticateMachine(authorization) {
      const state = await verify(authorization, 'm2m_token');
      if (!state.isAuthenticated) {
        const reason = failureReason(state.reason, state.message);
        throw new AuthenticationFailed(reason, detailForReason[reason] ?? machineDetail(state.message));
      }
      const auth = state.toAuth() as unknown as { machineId?: string; scopes?: string[] };
      if (!auth.machineId) throw new AuthenticationFailed('token-type-mismatch', 'not a machine token');
      return Object.freeze({ kind: 'machine', id: auth.machineId, scopes: Object.freeze([...(auth.scopes ?? [])]) });
    },
  };
}

/** Clerk's machine-token messages end in "(code=…, status=…)"; keep the human part. */
function machineDetail(message: string | null | undefined): string {
  const text = (message ?? '').replace(/\s*\(code=.*$/, '').trim();
  return text ? `machine token rejected: ${text}` : 'machine token rejected';
}

/** Every route behind this middleware needs a verified Clerk session. */
export function requireSession(authenticator: Authenticator, onFailure?: (reason: string) => void): RequestHandler {
  const verify: RequestHandler = async (req, res, next) => {
    try {
      contextOf(res).principal = await authenticator.authenticate(req.headers.authorization);
    } catch (error) {
      if (error instanceof AuthenticationFailed) onFailure?.(error.reason);
      throw error;
    }
    next();
  };
  if (!authenticator.known) return verify;
  return (req, res, next) => {
    const known = authenticator.known!(req.headers.authorization);
    if (known === undefined) return verify(req, res, next);
    contextOf(res).principal = known;
    next();
  };
}
