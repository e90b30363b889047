import request from 'supertest';
import {
  buildSessionClaims,
  createSigningKey,
  mintHs256Token,
  mintMachineToken,
  mintOAuthAccessToken,
  mintSessionToken,
  mintUnsignedToken,
  testUsers,
} from '../support/clerkTokens.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness({ CLERK_AUDIENCE: 'camunda-proxy' });
});
afterAll(() => h.close());
beforeEach(() => h.engine.reset());

const aud = { aud: 'camunda-proxy' };

describe('a request with a valid Clerk session token', () => {
  it('reaches the engine and the user is known', async () => {
    const res = await request(h.app).get('/api/user').set('Authorization', h.bearer(testUsers.manager, aud));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: testUsers.manager.id,
      email: testUsers.manager.email,
      name: testUsers.manager.name,
      orgId: testUsers.manager.orgId,
      orgRole: 'org:managers',
      orgPermissions: ['org:tasks:read', 'org:tasks:complete'],
    });
  });

  it('accepts an aud list that contains the configured audience', async () => {
    const res = await request(h.app).get('/api/processes').set('Authorization', h.bearer(testUsers.alice, { aud: ['other', 'camunda-proxy'] }));
    expect(res.status).toBe(200);
  });
});

describe('a request that is not authenticated', () => {
  const otherKey = createSigningKey('ins_other');
  const alice = testUsers.alice;
  const cases: [string, () => string | undefined, RegExp][] = [
    ['no Authorization header', () => undefined, /missing bearer token/],
    ['a Basic Authorization header', () => 'Basic ZGVtbzpkZW1v', /malformed bearer token/],
    ['a bearer that is not a JWT', () => 'Bearer not-a-jwt', /malformed bearer token/],
    ['a JWT with a garbage header', () => 'Bearer eyJub3Q.eyJzdWIiOiJ4In0.c2ln', /malformed bearer token/],
    ['an expired token', () => h.bearer(alice, { ...aud, expiresInSeconds: -120 }), /token expired/],
    ['a token signed by another key', () => `Bearer ${mintSessionToken(otherKey, alice, aud)}`, /signature is invalid/],
    ['alg none', () => `Bearer ${mintUnsignedToken(buildSessionClaims(alice, aud), { alg: 'none', typ: 'JWT', kid: h.key.kid })}`, /algorithm/],
    ['HS256 keyed with the public key', () => `Bearer ${mintHs256Token(h.key.publicKeyPem, buildSessionClaims(alice, aud), { alg: 'HS256', typ: 'JWT', kid: h.key.kid })}`, /algorithm/],
    ['a wrong azp', () => h.bearer(alice, { ...aud, azp: 'https://evil.example' }), /azp/],
    ['a wrong aud', () => h.bearer(alice, { aud: 'someone-else' }), /audience/],
    ['no aud although an audience is configured', () => h.bearer(alice), /no audience/],
    ['nbf in the future', () => h.bearer(alice, { ...aud, notBeforeOffsetSeconds: 600, issuedAtOffsetSeconds: 0 }), /not active yet/],
    ['an M2M token', () => `Bearer ${mintMachineToken(h.key, { machineId: 'mch_2worker', scopes: [] })}`, /not a session token/],
    ['an OAuth access token', () => `Bearer ${mintOAuthAccessToken(h.key, alice)}`, /not a session token/],
  ];

  it.each(cases)('%s gets 401 with a JSON reason, and the engine sees nothing', async (_name, authorization, detail) => {
    const req = request(h.app).get('/api/processes');
    const value = authorization();
    if (value) req.set('Authorization', value);
    const res = await req;
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: 'unauthenticated', detail: expect.stringMatching(detail), timestamp: expect.any(String), requestId: expect.any(String) });
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(h.engine.requests).toHaveLength(0);
  });

  it('does not take a token from a cookie', async () => {
    const token = h.tokenFor(alice, aud);
    const res = await request(h.app).get('/api/processes').set('Cookie', `__session=${token}; __client_uat=1`);
    expect(res.status).toBe(401);
    expect(h.engine.requests).toHaveLength(0);
  });

  it('does not take a token from the query string', async () => {
    const token = h.tokenFor(alice, aud);
    const res = await request(h.app).get(`/api/processes?__session=${token}&token=${token}&__clerk_db_jwt=${token}`);
    expect(res.status).toBe(401);
    expect(h.engine.requests).toHaveLength(0);
  });

  it('answers a browser navigation with an expired token with 401 JSON, never a handshake redirect', async () => {
    const res = await request(h.app)
      .get('/api/processes?__clerk_handshake=x')
      .set('Authorization', h.bearer(alice, { ...aud, expiresInSeconds: -120 }))
      .set('Accept', 'text/html,application/xhtml+xml')
      .set('Sec-Fetch-Dest', 'document')
      .set('Cookie', '__client_uat=1700000000');
    expect(res.status).toBe(401);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('answers a browser navigation without a token with 401 JSON, never a redirect', async () => {
    const res = await request(h.app).get('/api/processes').set('Accept', 'text/html').set('Sec-Fetch-Dest', 'document');
    expect(res.status).toBe(401);
    expect(res.headers.location).toBeUndefined();
  });

  it('never echoes the token back', async () => {
    const token = h.tokenFor(alice, { ...aud, expiresInSeconds: -120 });
    const res = await request(h.app).get('/api/processes').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.text).not.toContain(token.split('.')[2]);
    expect(JSON.stringify(res.headers)).not.toContain(token.split('.')[2]);
  });

  it('protects unknown routes too, without revealing them', async () => {
    const res = await request(h.app).get('/api/secret-admin');
    expect(res.status).toBe(401);
  });
});
