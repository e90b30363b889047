import { generateKeyPairSync } from 'node:crypto';
import { parsePublishableKey } from '@clerk/shared/keys';
import { ConfigError, loadConfig } from '../../src/config/env.js';
import { createSigningKey, TEST_PUBLISHABLE_KEY } from '../support/clerkTokens.js';

const signingKey = createSigningKey();
const spkiPem = (modulusLength: number, publicExponent = 65537) =>
  generateKeyPairSync('rsa', { modulusLength, publicExponent }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const rsa4096Pem = spkiPem(4096);
const rsa1024Pem = spkiPem(1024);
const rsa2048SmallExponentPem = spkiPem(2048, 3);
const ecPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ed25519Pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** The smallest valid environment: a networkless key and a publishable key. */
const minimal = { CLERK_JWT_KEY: signingKey.publicKeyPem, CLERK_PUBLISHABLE_KEY: TEST_PUBLISHABLE_KEY };
const load = (overrides: Record<string, string | undefined>, base: Record<string, string> = minimal) => loadConfig({ ...base, ...overrides });

/** The ConfigError thrown for `env`, or a failure if the configuration was accepted. */
const configErrorOf = (env: Record<string, string | undefined>): ConfigError => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(Object.keys(env))}`);
};

describe('loadConfig defaults', () => {
  const config = loadConfig(minimal);

  it.each<[string, unknown, unknown]>([
    ['PORT', config.port, 8000],
    ['HOST', config.host, '0.0.0.0'],
    ['ENGINE_URL', config.engine.url, 'http://localhost:8080/engine-rest'],
    ['ENGINE_USER', config.engine.user, 'demo'],
    ['ENGINE_PASS', config.engine.password, 'demo'],
    ['ENGINE_TIMEOUT (30 s, in ms)', config.engine.timeoutMs, 30_000],
    ['CORS_ORIGINS', config.corsOrigins, ['http://localhost:3000']],
    ['ROUTES_CONFIG', config.routesConfigPath, './routes.config.json'],
    ['BODY_LIMIT', config.bodyLimit, '1mb'],
    ['LOG_LEVEL', config.logLevel, 'info'],
    ['TRUST_PROXY', config.trustProxy, false],
    ['DRAIN_TIMEOUT (10 s, in ms)', config.server.drainTimeoutMs, 10_000],
    ['DRAIN_DELAY (0 s)', config.server.drainDelayMs, 0],
    ['REQUEST_TIMEOUT (30 s, in ms)', config.server.requestTimeoutMs, 30_000],
    ['HEADERS_TIMEOUT (10 s, in ms)', config.server.headersTimeoutMs, 10_000],
    ['MAX_CONNECTIONS (no cap)', config.server.maxConnections, undefined],
    ['RATE_LIMIT_READS', config.rateLimits.reads, { burst: 600, intervalMs: 60_000 }],
    ['RATE_LIMIT_WRITES', config.rateLimits.writes, { burst: 60, intervalMs: 60_000 }],
    ['RATE_LIMIT_PASSTHROUGH', config.rateLimits.passthrough, { burst: 1200, intervalMs: 60_000 }],
    ['RATE_LIMIT_STORE (none: the buckets are in each process)', config.rateLimitStore, undefined],
    ['INSTANCE_ORG (the stamp or a tenant definition)', config.access.instanceOrg, 'stamp'],
  ])('defaults %s', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it('treats an empty value (NAME= in an .env file) as unset', () => {
    const fromEmpty = load({ PORT: '', ENGINE_URL: '', CORS_ORIGINS: '', CLERK_JWKS_URL: '', CLERK_SECRET_KEY: '' });
    expect(fromEmpty.port).toBe(8000);
    expect(fromEmpty.engine.url).toBe('http://localhost:8080/engine-rest');
    expect(fromEmpty.corsOrigins).toEqual(['http://localhost:3000']);
    expect(fromEmpty.clerk.jwksUrl).toBeUndefined();
    expect(fromEmpty.clerk.secretKey).toBeUndefined();
  });
});

describe('loadConfig reads the environment', () => {
  it('reads every simple setting', () => {
    const config = load({
      PORT: '9001',
      HOST: '127.0.0.1',
      ENGINE_URL: 'https://camunda.internal:8443/engine-rest',
      ENGINE_USER: 'svc',
      ENGINE_PASS: 's3cret',
      ENGINE_TIMEOUT: '2.5',
      ROUTES_CONFIG: '/etc/proxy/routes.json',
      LOG_LEVEL: 'debug',
      BODY_LIMIT: '512kb',
      TRUST_PROXY: 'true',
      ENGINE_IDENTITY_SECRET: 'x'.repeat(32),
    });
    expect(config).toMatchObject({
      port: 9001,
      host: '127.0.0.1',
      engine: { url: 'https://camunda.internal:8443/engine-rest', user: 'svc', password: 's3cret', timeoutMs: 2500, identitySecret: 'x'.repeat(32) },
      routesConfigPath: '/etc/proxy/routes.json',
      logLevel: 'debug',
      bodyLimit: '512kb',
      trustProxy: true,
    });
  });

  it('reads INSTANCE_ORG=tenant', () => {
    expect(load({ INSTANCE_ORG: 'tenant' }).access.instanceOrg).toBe('tenant');
  });

  it.each<[string, string, string[]]>([
    ['CORS_ORIGINS', ' http://a.test , https://b.test ,, ', ['http://a.test', 'https://b.test']],
    ['CLERK_AUTHORIZED_PARTIES', 'http://a.test,https://b.test', ['http://a.test', 'https://b.test']],
    ['CLERK_AUDIENCE', ' api , web', ['api', 'web']],
  ])('splits and trims the comma list %s', (name, raw, expected) => {
    const config = load({ [name]: raw });
    const lists: Record<string, readonly string[]> = {
      CORS_ORIGINS: config.corsOrigins,
      CLERK_AUTHORIZED_PARTIES: config.clerk.authorizedParties,
      CLERK_AUDIENCE: config.clerk.audience,
    };
    expect(lists[name]).toEqual(expected);
  });

  it.each<[string, string]>([
    ['http://engine:8080/engine-rest/', 'http://engine:8080/engine-rest'],
    ['http://engine:8080/engine-rest//', 'http://engine:8080/engine-rest'],
    ['http://engine:8080/', 'http://engine:8080'],
    ['http://engine:8080/engine-rest', 'http://engine:8080/engine-rest'],
  ])('removes the trailing slash of ENGINE_URL %s', (raw, expected) => {
    expect(load({ ENGINE_URL: raw }).engine.url).toBe(expected);
  });

  it('returns a frozen configuration, all the way down', () => {
    const config = load({ CORS_ORIGINS: 'http://a.test' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.engine)).toBe(true);
    expect(Object.isFrozen(config.clerk)).toBe(true);
    expect(Object.isFrozen(config.corsOrigins)).toBe(true);
    expect(Object.isFrozen(config.clerk.authorizedParties)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.port).toBe(8000);
  });

  it('does not read process.env when given an environment', () => {
    const before = process.env['PORT'];
    process.env['PORT'] = '1234';
    try {
      expect(loadConfig(minimal).port).toBe(8000);
    } finally {
      if (before === undefined) delete process.env['PORT'];
      else process.env['PORT'] = before;
    }
  });
});

describe('loadConfig: Clerk key sources', () => {
  it('accepts a 2048-bit RSA PEM and keeps it as SPKI PEM', () => {
    const config = loadConfig(minimal);
    expect(config.clerk.jwtKey).toBe(signingKey.publicKeyPem);
    expect(config.clerk.publishableKey).toBe(TEST_PUBLISHABLE_KEY);
  });

  it('accepts a PEM written on one line with literal \\n escapes, as .env files have it', () => {
    const escaped = signingKey.publicKeyPem.trim().replace(/\n/g, '\\n');
    expect(escaped).not.toContain('\n');
    expect(load({ CLERK_JWT_KEY: escaped }).clerk.jwtKey).toBe(signingKey.publicKeyPem);
  });

  it('accepts CLERK_SECRET_KEY alone as the key source', () => {
    const config = loadConfig({ CLERK_SECRET_KEY: 'sk_test_only', CLERK_PUBLISHABLE_KEY: TEST_PUBLISHABLE_KEY });
    expect(config.clerk.secretKey).toBe('sk_test_only');
    expect(config.clerk.jwtKey).toBeUndefined();
    expect(config.clerk.jwksUrl).toBeUndefined();
  });

  it('accepts CLERK_JWKS_URL alone and derives the publishable key from its host', () => {
    const config = loadConfig({ CLERK_JWKS_URL: 'https://clerk.example.test/.well-known/jwks.json' });
    expect(config.clerk.jwksUrl).toBe('https://clerk.example.test/.well-known/jwks.json');
    expect(parsePublishableKey(config.clerk.publishableKey)?.frontendApi).toBe('clerk.example.test');
    // The same Frontend API as the key the dashboard would show for this instance.
    expect(parsePublishableKey(config.clerk.publishableKey)?.frontendApi).toBe(parsePublishableKey(TEST_PUBLISHABLE_KEY)?.frontendApi);
  });

  it('derives a development publishable key from a development JWKS host', () => {
    const config = loadConfig({ CLERK_JWKS_URL: 'https://happy-cat-12.clerk.accounts.dev/.well-known/jwks.json' });
    const parsed = parsePublishableKey(config.clerk.publishableKey);
    expect(parsed?.frontendApi).toBe('happy-cat-12.clerk.accounts.dev');
    expect(parsed?.instanceType).toBe('development');
  });

  it('prefers an explicit CLERK_PUBLISHABLE_KEY over the JWKS host', () => {
    const config = loadConfig({ CLERK_JWKS_URL: 'https://other.example.test/.well-known/jwks.json', CLERK_PUBLISHABLE_KEY: TEST_PUBLISHABLE_KEY });
    expect(config.clerk.publishableKey).toBe(TEST_PUBLISHABLE_KEY);
  });
});

describe('loadConfig: draining, slow clients and fair use', () => {
  it('reads seconds, a connection cap, and calls per interval or off', () => {
    const config = load({ DRAIN_DELAY: '1.5', DRAIN_TIMEOUT: '2.5', REQUEST_TIMEOUT: '5', HEADERS_TIMEOUT: '5', MAX_CONNECTIONS: '500', RATE_LIMIT_READS: '20/second', RATE_LIMIT_WRITES: 'off', RATE_LIMIT_PASSTHROUGH: '5000 / hour' });
    expect(config.server).toEqual({ drainDelayMs: 1_500, drainTimeoutMs: 2_500, requestTimeoutMs: 5_000, headersTimeoutMs: 5_000, maxConnections: 500 });
    expect(config.rateLimits).toEqual({ reads: { burst: 20, intervalMs: 1_000 }, writes: undefined, passthrough: { burst: 5000, intervalMs: 3_600_000 } });
  });

  it('reads a shared store: fail open and half a second by default', () => {
    expect(load({ RATE_LIMIT_STORE: 'redis://redis:6379' }).rateLimitStore).toEqual({ url: 'redis://redis:6379', description: 'redis://redis:6379', onFailure: 'open', timeoutMs: 500 });
  });

  it.each<[string, string, string]>([
    ['valkey:// as redis://', 'valkey://cache.internal:6380', 'redis://cache.internal:6380'],
    ['valkeys:// as rediss:// (TLS)', 'valkeys://cache.internal', 'rediss://cache.internal'],
    ['rediss:// as it is', 'rediss://cache.internal:6380', 'rediss://cache.internal:6380'],
    ['a password and a database number', 'redis://:s%40cret@redis:6379/2', 'redis://:s%40cret@redis:6379/2'],
  ])('takes %s', (_label, url, expected) => {
    expect(load({ RATE_LIMIT_STORE: url }).rateLimitStore?.url).toBe(expected);
  });

  it('never puts the credentials in the description that logs show', () => {
    const store = load({ RATE_LIMIT_STORE: 'valkey://proxy:s3cret@cache.internal:6380/2', RATE_LIMIT_STORE_FAILURE: 'closed', RATE_LIMIT_STORE_TIMEOUT: '0.05' }).rateLimitStore;
    expect(store).toEqual({ url: 'redis://proxy:s3cret@cache.internal:6380/2', description: 'redis://cache.internal:6380/2', onFailure: 'closed', timeoutMs: 50 });
  });
});

describe('loadConfig refuses a misconfiguration with a ConfigError naming the variable', () => {
  it.each<[string, Record<string, string | undefined>, string]>([
    ['no key source at all', { CLERK_PUBLISHABLE_KEY: TEST_PUBLISHABLE_KEY }, 'CLERK_JWT_KEY'],
    ['an empty key source', { CLERK_PUBLISHABLE_KEY: TEST_PUBLISHABLE_KEY, CLERK_JWT_KEY: '', CLERK_SECRET_KEY: '' }, 'CLERK_JWT_KEY'],
    ['a malformed PEM', { ...minimal, CLERK_JWT_KEY: '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----' }, 'CLERK_JWT_KEY'],
    ['a JWK instead of a PEM', { ...minimal, CLERK_JWT_KEY: JSON.stringify(signingKey.publicJwk) }, 'CLERK_JWT_KEY'],
    ['a 4096-bit RSA key (networkless mode only takes 2048)', { ...minimal, CLERK_JWT_KEY: rsa4096Pem }, 'CLERK_JWT_KEY'],
    ['a 1024-bit RSA key', { ...minimal, CLERK_JWT_KEY: rsa1024Pem }, 'CLERK_JWT_KEY'],
    ['a 2048-bit RSA key with e=3', { ...minimal, CLERK_JWT_KEY: rsa2048SmallExponentPem }, 'CLERK_JWT_KEY'],
    ['an EC key', { ...minimal, CLERK_JWT_KEY: ecPem }, 'CLERK_JWT_KEY'],
    ['an Ed25519 key', { ...minimal, CLERK_JWT_KEY: ed25519Pem }, 'CLERK_JWT_KEY'],
    ['an invalid ENGINE_URL', { ...minimal, ENGINE_URL: 'not a url' }, 'ENGINE_URL'],
    ['a relative ENGINE_URL', { ...minimal, ENGINE_URL: '/engine-rest' }, 'ENGINE_URL'],
    ['an ftp:// ENGINE_URL', { ...minimal, ENGINE_URL: 'ftp://engine/engine-rest' }, 'ENGINE_URL'],
    ['an invalid CLERK_JWKS_URL', { ...minimal, CLERK_JWKS_URL: 'jwks.json' }, 'CLERK_JWKS_URL'],
    ['an invalid CLERK_API_URL', { ...minimal, CLERK_API_URL: 'file:///etc/passwd' }, 'CLERK_API_URL'],
    ['PORT=abc', { ...minimal, PORT: 'abc' }, 'PORT'],
    ['PORT=70000', { ...minimal, PORT: '70000' }, 'PORT'],
    ['ENGINE_TIMEOUT=0', { ...minimal, ENGINE_TIMEOUT: '0' }, 'ENGINE_TIMEOUT'],
    ['a negative ENGINE_TIMEOUT', { ...minimal, ENGINE_TIMEOUT: '-5' }, 'ENGINE_TIMEOUT'],
    ['ENGINE_TIMEOUT=abc', { ...minimal, ENGINE_TIMEOUT: 'abc' }, 'ENGINE_TIMEOUT'],
    // socket.setTimeout(Infinity) throws ERR_OUT_OF_RANGE: every engine call would fail.
    ['ENGINE_TIMEOUT=Infinity', { ...minimal, ENGINE_TIMEOUT: 'Infinity' }, 'ENGINE_TIMEOUT'],
    // Rounds to 0 ms, and socket.setTimeout(0) switches the timeout off instead of making it short.
    ['an ENGINE_TIMEOUT below half a millisecond (0.0001)', { ...minimal, ENGINE_TIMEOUT: '0.0001' }, 'ENGINE_TIMEOUT'],
    ['ENGINE_MAX_SOCKETS=0', { ...minimal, ENGINE_MAX_SOCKETS: '0' }, 'ENGINE_MAX_SOCKETS'],
    // The engine identity plugin refuses a shorter one as well.
    ['an ENGINE_IDENTITY_SECRET of 31 characters', { ...minimal, ENGINE_IDENTITY_SECRET: 'x'.repeat(31) }, 'ENGINE_IDENTITY_SECRET'],
    ['BODY_LIMIT=lots', { ...minimal, BODY_LIMIT: 'lots' }, 'BODY_LIMIT'],
    ['BODY_LIMIT=1 megabyte', { ...minimal, BODY_LIMIT: '1 megabyte' }, 'BODY_LIMIT'],
    ['BODY_LIMIT=-1mb', { ...minimal, BODY_LIMIT: '-1mb' }, 'BODY_LIMIT'],
    ['LOG_LEVEL=verbose', { ...minimal, LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    ['INSTANCE_ORG=tenants', { ...minimal, INSTANCE_ORG: 'tenants' }, 'INSTANCE_ORG'],
    ['TRUST_PROXY=maybe', { ...minimal, TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    ['a secret key as CLERK_PUBLISHABLE_KEY', { ...minimal, CLERK_PUBLISHABLE_KEY: 'sk_test_abc' }, 'CLERK_PUBLISHABLE_KEY'],
    ['a garbled CLERK_PUBLISHABLE_KEY', { ...minimal, CLERK_PUBLISHABLE_KEY: 'pk_live_garbage' }, 'CLERK_PUBLISHABLE_KEY'],
    ['no publishable key and no JWKS URL', { CLERK_JWT_KEY: signingKey.publicKeyPem }, 'CLERK_PUBLISHABLE_KEY'],
    ['a secret key but no publishable key', { CLERK_SECRET_KEY: 'sk_test_only' }, 'CLERK_PUBLISHABLE_KEY'],
    ['DRAIN_TIMEOUT=0', { ...minimal, DRAIN_TIMEOUT: '0' }, 'DRAIN_TIMEOUT'],
    ['DRAIN_DELAY=-1', { ...minimal, DRAIN_DELAY: '-1' }, 'DRAIN_DELAY'],
    ['a DRAIN_DELAY as long as DRAIN_TIMEOUT', { ...minimal, DRAIN_DELAY: '10', DRAIN_TIMEOUT: '10' }, 'DRAIN_DELAY'],
    ['REQUEST_TIMEOUT=abc', { ...minimal, REQUEST_TIMEOUT: 'abc' }, 'REQUEST_TIMEOUT'],
    ['a HEADERS_TIMEOUT longer than REQUEST_TIMEOUT (Node would refuse to listen)', { ...minimal, HEADERS_TIMEOUT: '20', REQUEST_TIMEOUT: '10' }, 'HEADERS_TIMEOUT'],
    ['MAX_CONNECTIONS=-1', { ...minimal, MAX_CONNECTIONS: '-1' }, 'MAX_CONNECTIONS'],
    ['MAX_CONNECTIONS=1.5', { ...minimal, MAX_CONNECTIONS: '1.5' }, 'MAX_CONNECTIONS'],
    ['RATE_LIMIT_READS=lots', { ...minimal, RATE_LIMIT_READS: 'lots' }, 'RATE_LIMIT_READS'],
    ['RATE_LIMIT_WRITES=0/minute', { ...minimal, RATE_LIMIT_WRITES: '0/minute' }, 'RATE_LIMIT_WRITES'],
    ['RATE_LIMIT_PASSTHROUGH=10/fortnight', { ...minimal, RATE_LIMIT_PASSTHROUGH: '10/fortnight' }, 'RATE_LIMIT_PASSTHROUGH'],
    ['an http:// RATE_LIMIT_STORE', { ...minimal, RATE_LIMIT_STORE: 'http://redis:6379' }, 'RATE_LIMIT_STORE'],
    ['a memcached:// RATE_LIMIT_STORE', { ...minimal, RATE_LIMIT_STORE: 'memcached://cache:11211' }, 'RATE_LIMIT_STORE'],
    ['a RATE_LIMIT_STORE without a scheme', { ...minimal, RATE_LIMIT_STORE: 'redis:6379' }, 'RATE_LIMIT_STORE'],
    ['a RATE_LIMIT_STORE without a host', { ...minimal, RATE_LIMIT_STORE: 'redis://' }, 'RATE_LIMIT_STORE'],
    ['a RATE_LIMIT_STORE with a path that is no database number', { ...minimal, RATE_LIMIT_STORE: 'redis://redis:6379/limits' }, 'RATE_LIMIT_STORE'],
    ['a RATE_LIMIT_STORE with ?options', { ...minimal, RATE_LIMIT_STORE: 'redis://redis:6379?tls=true' }, 'RATE_LIMIT_STORE'],
    ['RATE_LIMIT_STORE_FAILURE=ignore', { ...minimal, RATE_LIMIT_STORE_FAILURE: 'ignore' }, 'RATE_LIMIT_STORE_FAILURE'],
    ['RATE_LIMIT_STORE_TIMEOUT=0', { ...minimal, RATE_LIMIT_STORE_TIMEOUT: '0' }, 'RATE_LIMIT_STORE_TIMEOUT'],
  ])('refuses %s', (_label, env, variable) => {
    expect(configErrorOf(env).message).toContain(variable);
  });

  it('reports the 4096-bit key as the wrong size, not as an unreadable PEM', () => {
    expect(configErrorOf({ ...minimal, CLERK_JWT_KEY: rsa4096Pem }).message).toContain('2048');
  });
});
