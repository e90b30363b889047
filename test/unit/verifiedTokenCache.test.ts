import { webcrypto } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { AuthenticationFailed, createClerkAuthenticator, type Authenticator } from '../../src/auth/clerkSession.js';
import { createJwksKeyring } from '../../src/auth/jwksKeyring.js';
import type { Principal } from '../../src/auth/principal.js';
import { withVerifiedTokenCache } from '../../src/auth/verifiedTokenCache.js';
import { loadConfig } from '../../src/config/env.js';
import { createLogger } from '../../src/http/log.js';
import { startClerkApiStandIn } from '../support/clerkApiStandIn.js';
import { createSigningKey, mintSessionToken, testUsers } from '../support/clerkTokens.js';
import { startProxyHarness } from '../support/proxyHarness.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const principal = (id: string, expiresAt = nowSeconds() + 60): Principal =>
  ({ id, email: '', name: id, orgPermissions: [], roles: [], groups: [], isAdmin: false, boundary: { kind: 'all' }, claims: {}, expiresAt, engineIdentity: { userId: id, groups: [], tenants: 'all' } }) as Principal;

function spyVerifier(answer: (authorization: string) => Principal | AuthenticationFailed) {
  const authenticate = jest.fn(async (authorization: string | undefined) => {
    const result = answer(authorization!);
    if (result instanceof AuthenticationFailed) throw result;
    return result;
  });
  return { authenticate } satisfies Authenticator;
}

describe('the verified-token cache', () => {
  it('skips the verifier on a hit', async () => {
    const verifier = spyVerifier(() => principal('user_a'));
    const cached = withVerifiedTokenCache(verifier);
    expect((await cached.authenticate('Bearer t1')).id).toBe('user_a');
    expect((await cached.authenticate('Bearer t1')).id).toBe('user_a');
    expect(verifier.authenticate).toHaveBeenCalledTimes(1);
    await cached.authenticate('Bearer t2');
    expect(verifier.authenticate).toHaveBeenCalledTimes(2);
  });

  it('re-verifies an entry past the token exp (minus skew) and passes on the rejection', async () => {
    let clock = Date.now();
    const exp = Math.floor(clock / 1000) + 30;
    let expired = false;
    const verifier = spyVerifier(() => (expired ? new AuthenticationFailed('token-expired', 'token expired') : principal('user_a', exp)));
    const cached = withVerifiedTokenCache(verifier, { now: () => clock, clockSkewMs: 5_000 });
    await cached.authenticate('Bearer t');
    clock = exp * 1000 - 5_001;
    await cached.authenticate('Bearer t');
    expect(verifier.authenticate).toHaveBeenCalledTimes(1);
    clock = exp * 1000 - 4_999;
    expired = true;
    await expect(cached.authenticate('Bearer t')).rejects.toMatchObject({ status: 401, detail: 'token expired' });
    expect(verifier.authenticate).toHaveBeenCalledTimes(2);
  });

  it('caps an entry at maxTtlMs even when the token lives longer', async () => {
    let clock = Date.now();
    const verifier = spyVerifier(() => principal('user_a', nowSeconds() + 3600));
    const cached = withVerifiedTokenCache(verifier, { now: () => clock, maxTtlMs: 10_000 });
    await cached.authenticate('Bearer t');
    clock += 10_001;
    await cached.authenticate('Bearer t');
    expect(verifier.authenticate).toHaveBeenCalledTimes(2);
  });

  it('never caches a failure as a success, and remembers a lasting failure only briefly', async () => {
    let clock = Date.now();
    const verifier = spyVerifier(() => new AuthenticationFailed('token-invalid-signature', 'token signature is invalid'));
    const cached = withVerifiedTokenCache(verifier, { now: () => clock, failureTtlMs: 5_000 });
    await expect(cached.authenticate('Bearer bad')).rejects.toBeInstanceOf(AuthenticationFailed);
    await expect(cached.authenticate('Bearer bad')).rejects.toBeInstanceOf(AuthenticationFailed);
    expect(verifier.authenticate).toHaveBeenCalledTimes(1);
    clock += 5_001;
    await expect(cached.authenticate('Bearer bad')).rejects.toBeInstanceOf(AuthenticationFailed);
    expect(verifier.authenticate).toHaveBeenCalledTimes(2);
  });

  it('does not remember failures that time can fix (nbf in the future)', async () => {
    const verifier = spyVerifier(() => new AuthenticationFailed('token-not-active-yet', 'token not active yet'));
    const cached = withVerifiedTokenCache(verifier);
    await expect(cached.authenticate('Bearer early')).rejects.toBeInstanceOf(AuthenticationFailed);
    await expect(cached.authenticate('Bearer early')).rejects.toBeInstanceOf(AuthenticationFailed);
    expect(verifier.authenticate).toHaveBeenCalledTimes(2);
  });

  it('stays within its bound under 100k distinct tokens', async () => {
    const verifier = spyVerifier((authorization) => principal(authorization));
    const cached = withVerifiedTokenCache(verifier, { maxEntries: 10_000 });
    for (let i = 0; i < 100_000; i += 1) await cached.authenticate(`Bearer token-${i}`);
    expect(cached.size()).toBeLessThanOrEqual(10_000);
    expect(verifier.authenticate).toHaveBeenCalledTimes(100_000);
    await cached.authenticate('Bearer token-99999');
    expect(verifier.authenticate).toHaveBeenCalledTimes(100_000);
  });
});

describe('with real Clerk verification', () => {
  it('a token signed by a rotated-out key stops working when its entry expires', async () => {
    const oldKey = createSigningKey('ins_old');
    const newKey = createSigningKey('ins_new');
    const clerk = await startClerkApiStandIn({ secretKey: 'sk_test_x', keys: [oldKey] });
    let clock = Date.now();
    const now = () => clock;
    const log = createLogger('silent');
    try {
      const config = loadConfig({ CLERK_JWKS_URL: clerk.publicJwksUrl });
      const keyring = createJwksKeyring({ jwksUrl: clerk.publicJwksUrl, log, now, maxAgeMs: 60_000 });
      const cached = withVerifiedTokenCache(createClerkAuthenticator(config.clerk, { keyring, log }), { now, maxTtlMs: 30_000 });
      const token = `Bearer ${mintSessionToken(oldKey, testUsers.alice, { expiresInSeconds: 600 })}`;
      await expect(cached.authenticate(token)).resolves.toMatchObject({ id: testUsers.alice.id });
      clerk.setKeys([newKey]);
      await expect(cached.authenticate(token)).resolves.toMatchObject({ id: testUsers.alice.id });
      clock += 61_000;
      await expect(cached.authenticate(token)).rejects.toMatchObject({ status: 401, detail: 'token was signed by an unknown key' });
      await expect(cached.authenticate(`Bearer ${mintSessionToken(newKey, testUsers.alice)}`)).resolves.toMatchObject({ id: testUsers.alice.id });
    } finally {
      await clerk.stop();
    }
  });

  // Clerk checks signatures with WebCrypto; counting those calls shows what the cache saves.
  it.each([
    ['on', 1],
    ['off', 3],
  ])('AUTH_CACHE=%s: three requests with one token cost %i signature checks', async (setting, checks) => {
    const h = await startProxyHarness({ AUTH_CACHE: setting });
    const verify = jest.spyOn(webcrypto.subtle, 'verify');
    try {
      const token = h.bearer();
      for (let i = 0; i < 3; i += 1) await request(h.app).get('/api/processes').set('Authorization', token).expect(200);
      expect(verify).toHaveBeenCalledTimes(checks);
    } finally {
      verify.mockRestore();
      await h.close();
    }
  });

  it('a cache hit still applies route rules', async () => {
    const h = await startProxyHarness();
    try {
      const token = h.bearer(testUsers.bob);
      await request(h.app).get('/api/user').set('Authorization', token).expect(200);
      h.engine.answer('GET', '/engine-rest/task/t-9', { status: 200, body: { id: 't-9', assignee: testUsers.alice.id } });
      await request(h.app).get('/api/tasks/t-9').set('Authorization', token).expect(404);
    } finally {
      await h.close();
    }
  });
});
