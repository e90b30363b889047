import request from 'supertest';
import { startClerkApiStandIn, type ClerkApiStandIn } from '../support/clerkApiStandIn.js';
import { createSigningKey, mintSessionToken, testUsers, type SessionUser } from '../support/clerkTokens.js';
import { startEngineStandIn, type EngineStandIn } from '../support/engineStandIn.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

const SECRET = 'sk_test_standin_secret';
const currentKey = createSigningKey('ins_current');
const nextKey = createSigningKey('ins_next');
// A user whose session token carries no email or name, as Clerk's default session token does.
const bare: SessionUser = { id: 'user_2bareTESTtestTESTtestTESTte' };

let clerk: ClerkApiStandIn;
let engine: EngineStandIn;
beforeAll(async () => {
  clerk = await startClerkApiStandIn({ secretKey: SECRET, keys: [currentKey], users: { [bare.id]: { email: 'bare@example.test', firstName: 'Bea', lastName: 'Bare' } } });
  engine = await startEngineStandIn();
});
afterAll(async () => {
  await clerk.stop();
  await engine.stop();
});

const bearer = (key = currentKey, user: SessionUser = testUsers.alice) => `Bearer ${mintSessionToken(key, user)}`;

describe('CLERK_JWKS_URL (public JWKS, as the earlier proxy used)', () => {
  let h: ProxyHarness;
  beforeAll(async () => {
    h = await startProxyHarness({ CLERK_JWT_KEY: '', CLERK_PUBLISHABLE_KEY: '', CLERK_JWKS_URL: clerk.publicJwksUrl }, { engine });
  });
  afterAll(() => h.close());

  it('verifies tokens with the keys it fetched, without a secret key', async () => {
    await request(h.app).get('/api/processes').set('Authorization', bearer()).expect(200);
  });

  it('fetches the JWKS once and caches it', async () => {
    const before = clerk.hits.publicJwks;
    for (let i = 0; i < 5; i += 1) await request(h.app).get('/api/processes').set('Authorization', bearer()).expect(200);
    expect(clerk.hits.publicJwks).toBe(before);
  });

  it('picks up a rotated key for an unknown kid, and rejects a kid that is nowhere', async () => {
    clerk.setKeys([currentKey, nextKey]);
    await request(h.app).get('/api/processes').set('Authorization', bearer(nextKey)).expect(200);
    const stranger = createSigningKey('ins_stranger');
    const before = clerk.hits.publicJwks;
    const res = await request(h.app).get('/api/processes').set('Authorization', bearer(stranger));
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/unknown key/);
    // Unknown kids do not trigger a fetch each: refresh is rate-limited.
    await request(h.app).get('/api/processes').set('Authorization', bearer(stranger)).expect(401);
    expect(clerk.hits.publicJwks - before).toBeLessThanOrEqual(1);
  });
});

describe('CLERK_SECRET_KEY (JWKS and users from the Backend API)', () => {
  let h: ProxyHarness;
  beforeAll(async () => {
    clerk.setKeys([currentKey]);
    h = await startProxyHarness({ CLERK_JWT_KEY: '', CLERK_SECRET_KEY: SECRET, CLERK_API_URL: clerk.url }, { engine });
  });
  afterAll(() => h.close());

  it('verifies tokens with keys from {CLERK_API_URL}/v1/jwks', async () => {
    const before = clerk.hits.jwks;
    await request(h.app).get('/api/processes').set('Authorization', bearer()).expect(200);
    expect(clerk.hits.jwks).toBeGreaterThanOrEqual(before);
    await request(h.app).get('/api/processes').set('Authorization', bearer(createSigningKey('ins_x'))).expect(401);
  });

  it('looks up email and name the token lacks, once per user', async () => {
    const before = clerk.hits.users;
    const res = await request(h.app).get('/api/user').set('Authorization', bearer(currentKey, bare)).expect(200);
    expect(res.body).toMatchObject({ id: bare.id, email: 'bare@example.test', name: 'Bea Bare' });
    await request(h.app).get('/api/user').set('Authorization', bearer(currentKey, bare)).expect(200);
    expect(clerk.hits.users - before).toBe(1);
  });

  it('stamps the looked-up identity on a started process', async () => {
    engine.reset();
    await request(h.app).post('/api/processes/order/start').set('Authorization', bearer(currentKey, bare)).send({ variables: {} }).expect(201);
    expect((engine.lastRequest()!.json as { variables: Record<string, { value: unknown }> }).variables.initiatorEmail!.value).toBe('bare@example.test');
  });

  it('falls back to the id without failing the request when the lookup fails', async () => {
    const stranger: SessionUser = { id: 'user_2unknownTESTtestTESTtestTE' };
    const res = await request(h.app).get('/api/user').set('Authorization', bearer(currentKey, stranger)).expect(200);
    expect(res.body).toMatchObject({ id: stranger.id, email: '', name: stranger.id });
  });
});

describe('CLERK_JWT_KEY without a secret key', () => {
  it('verifies offline and never calls Clerk', async () => {
    const before = { ...clerk.hits };
    const h = await startProxyHarness({ CLERK_JWT_KEY: currentKey.publicKeyPem, CLERK_API_URL: clerk.url }, { engine });
    try {
      await request(h.app).get('/api/processes').set('Authorization', bearer()).expect(200);
      const res = await request(h.app).get('/api/user').set('Authorization', bearer(currentKey, bare)).expect(200);
      expect(res.body).toMatchObject({ email: '', name: bare.id });
      expect(clerk.hits).toEqual(before);
    } finally {
      await h.close();
    }
  });
});
