import { createPublicKey } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { bool, cleanEnv, makeValidator, num, port, str, EnvError, EnvMissingError } from 'envalid';
import { buildPublishableKey, parsePublishableKey } from '@clerk/shared/keys';

/** Raised for any misconfiguration; the message names the variable. server.ts turns it into exit 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface ClerkConfig {
  readonly publishableKey: string;
  readonly secretKey?: string;
  readonly apiUrl: string;
  /** SPKI PEM for networkless verification. */
  readonly jwtKey?: string;
  readonly jwksUrl?: string;
  readonly authorizedParties: readonly string[];
  readonly audience: readonly string[];
}

/**
 * How the engine records which organisation an instance (and so its tasks) belongs to (INSTANCE_ORG).
 * `stamp`: the proxy's `initiatorOrgId` variable, or the tenant of a definition deployed per
 * organisation. `tenant`: the instance's tenant id alone (see src/authz/boundary.ts).
 */
export type InstanceOrg = 'stamp' | 'tenant';

export interface AccessConfig {
  /** Org roles whose holders see and may do everything, e.g. `org:admin`. */
  readonly adminRoles: readonly string[];
  /** A session claim whose string values are extra Camunda candidate groups. */
  readonly groupsClaim?: string;
  /** Organisations are tenants: each session reaches its active organisation's work only. */
  readonly tenancy: boolean;
  /**
   * INSTANCE_ORG: how the engine records which organisation an instance belongs to. `stamp`: the
   * proxy's initiatorOrgId variable, or the tenant of a definition deployed per organisation (any
   * engine). `tenant`: the instance's tenant id alone (definitions deployed per organisation, and the
   * engine plugin's OrganisationTenants for shared ones): one indexed column, the cheaper question.
   */
  readonly instanceOrg: InstanceOrg;
  /** User ids of whole-platform operators: administrators of every organisation. */
  readonly platformAdmins: readonly string[];
  /** Sessions without an active organisation: their own work only, or refused with 403. */
  readonly personalAccounts: 'own-work' | 'refuse';
}

export interface TracingConfig {
  /** Where the OTLP/HTTP exporter posts spans, e.g. http://collector:4318/v1/traces */
  readonly tracesUrl: string;
  readonly protocol: 'http/protobuf' | 'http/json';
  readonly serviceName: string;
}

export interface ProxyConfig {
  readonly port: number;
  readonly host: string;
  readonly engine: {
    /** Always without a trailing slash, e.g. http://localhost:8080/engine-rest */
    readonly url: string;
    readonly user: string;
    readonly password: string;
    readonly timeoutMs: number;
    readonly maxSockets: number;
    /**
     * ENGINE_IDENTITY_SECRET: when set, every engine call made for a signed-in user carries the
     * user in a header signed with it, for the engine identity plugin (engine-identity-plugin/).
     */
    readonly identitySecret?: string;
  };
  readonly corsOrigins: readonly string[];
  readonly routesConfigPath: string;
  readonly logLevel: LogLevel;
  readonly bodyLimit: string;
  /** Largest upload accepted by POST /api/deployments. */
  readonly deploymentLimit: string;
  readonly clerk: ClerkConfig;
  readonly access: AccessConfig;
  readonly trustProxy: boolean;
  /** When set, GET /metrics needs `Authorization: Bearer <metricsToken>`. */
  readonly metricsToken?: string;
  /** Worker processes (node:cluster); 1 means no cluster. */
  readonly workers: number;
  readonly authCache: { readonly enabled: boolean; readonly maxEntries: number; readonly maxTtlMs: number };
  /** OpenTelemetry traces; undefined (no OTLP endpoint set) = off, and nothing of it is loaded. */
  readonly tracing?: TracingConfig;
  /** How the listening server treats its clients; see server.ts. */
  readonly server: {
    /** On SIGTERM, how long new connections are still accepted (readiness already fails). */
    readonly drainDelayMs: number;
    /** On SIGTERM, how long in-flight requests may take before their connections are reset. */
    readonly drainTimeoutMs: number;
    /** A client must send its whole request (headers and body) within this. */
    readonly requestTimeoutMs: number;
    /** A client must send its request headers within this. */
    readonly headersTimeoutMs: number;
    /** Open client connections per process at most; undefined = no cap. */
    readonly maxConnections?: number;
  };
  /** How long "this organisation has its own definition of this key" is kept; 0 = asked every time. */
  readonly definitionCacheTtlMs: number;
  /** Token buckets per caller, by route class; undefined = no limit for that class. */
  readonly rateLimits: Readonly<Record<RouteClass, RateLimit | undefined>>;
  /** The audit trail of actions (see audit/auditTrail.ts). */
  readonly audit: AuditConfig;
  /** Where the buckets live when several replicas share them; undefined = in this process. */
  readonly rateLimitStore?: RateLimitStoreConfig;
}

/** What AUDIT_VARIABLES keeps of the variables a client sent: their names (default), their values, or nothing. */
export type AuditVariables = 'names' | 'values' | 'none';

export interface AuditConfig {
  /** The JSON-lines sink: standard output (default), a file, or none (AUDIT_LOG). */
  readonly lines: { readonly to: 'stdout' } | { readonly to: 'file'; readonly path: string } | { readonly to: 'off' };
  readonly variables: AuditVariables;
  /** PostgreSQL for GET /api/audit across replicas and restarts; without it, the recent records of this process. */
  readonly databaseUrl?: string;
  /** Records waiting for the database at most (AUDIT_QUEUE_MAX). */
  readonly queueMax: number;
  /** Records kept in memory for GET /api/audit without a database (AUDIT_RECENT). */
  readonly recent: number;
}

/** A Redis (or Valkey) server every replica draws its callers' buckets from. */
export interface RateLimitStoreConfig {
  /** A redis:// or rediss:// URL (valkey:// and valkeys:// are given as these), credentials included. */
  readonly url: string;
  /** Where the store is, for logs: scheme, host, port and database, never the credentials. */
  readonly description: string;
  /** While the store does not answer: `open` decides with this process's own buckets, `closed` refuses with 503. */
  readonly onFailure: 'open' | 'closed';
  /** How long one answer of the store may take before it counts as down. */
  readonly timeoutMs: number;
}

/** The classes of calls a caller's fair use is counted in. */
export type RouteClass = 'reads' | 'writes' | 'passthrough';

/** A token bucket: `burst` calls at once, refilled at `burst` per `intervalMs`. */
export interface RateLimit {
  readonly burst: number;
  readonly intervalMs: number;
}

const commaList = makeValidator<string[]>((input) =>
  input
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

/** The URL, if it parses and its scheme is one of `schemes`; else an EnvError saying `expected`. */
function urlWithScheme(input: string, schemes: readonly string[], expected: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    throw new EnvError(`must be ${expected}`);
  }
  if (!schemes.includes(parsed.protocol)) throw new EnvError(`must be ${expected}`);
  return parsed;
}

const httpUrl = makeValidator<string>((input) => {
  urlWithScheme(input, ['http:', 'https:'], 'an absolute http(s) URL');
  return input.replace(/\/+$/, '');
});

/** A positive integer, or `auto` for one worker per core. */
const workerCount = makeValidator<number>((input) => {
  if (input.trim() === 'auto') return availableParallelism();
  const count = Number(input);
  if (!Number.isInteger(count) || count < 1) throw new EnvError('must be a positive integer or auto');
  return count;
});

const intervals: Readonly<Record<string, number>> = { second: 1_000, minute: 60_000, hour: 3_600_000 };

/** `600/minute`: a bucket of 600 calls that refills 600 a minute; `off` (false: envalid refuses undefined) for none. */
const rateLimit = makeValidator<RateLimit | false>((input) => {
  if (input.trim() === 'off') return false;
  const match = /^(\d+)\s*\/\s*(second|minute|hour)$/.exec(input.trim());
  const burst = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(burst) || burst < 1) throw new EnvError('must be calls per interval, e.g. 600/minute or 20/second, or off');
  return Object.freeze({ burst, intervalMs: intervals[match[2]!]! });
});

const postgresUrl = makeValidator<string>((input) => {
  urlWithScheme(input, ['postgres:', 'postgresql:'], 'a postgres:// URL');
  return input;
});

/** Valkey speaks Redis' protocol; its URL schemes are Redis' with another name. */
const storeSchemes: Readonly<Record<string, string>> = { 'redis:': 'redis:', 'rediss:': 'rediss:', 'valkey:': 'redis:', 'valkeys:': 'rediss:' };

/** `redis://[user:password@]host[:port][/db]`, or valkey://, rediss:// (TLS), valkeys://; as a redis(s):// URL. */
const storeUrl = makeValidator<URL>((input) => {
  let parsed: URL;
  try {
    parsed = new URL(input.trim());
  } catch {
    throw new EnvError('must be a redis://, rediss://, valkey:// or valkeys:// URL, e.g. redis://redis:6379');
  }
  const scheme = storeSchemes[parsed.protocol];
  if (!scheme || parsed.hostname === '') throw new EnvError('must be a redis://, rediss://, valkey:// or valkeys:// URL with a host, e.g. redis://redis:6379');
  if (!/^\/?(\d+)?$/.test(parsed.pathname) || parsed.search !== '' || parsed.hash !== '') {
    throw new EnvError('may name a database number as its path (redis://host:6379/2), and nothing else');
  }
  parsed.protocol = scheme;
  return parsed;
});

const byteSize = makeValidator<string>((input) => {
  if (!/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i.test(input.trim())) throw new EnvError('must be a size such as 1mb or 512kb');
  return input.trim();
});

/**
 * Clerk's networkless verification slices the modulus out of the PEM at fixed offsets, so it only
 * works for 2048-bit RSA keys with e=65537. Anything else would fail on every request; fail at start.
 */
const rsaPublicKeyPem = makeValidator<string>((input) => {
  const pem = input.includes('\\n') ? input.replace(/\\n/g, '\n') : input;
  let key;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new EnvError('is not a valid PEM public key');
  }
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType !== 'rsa' || details?.modulusLength !== 2048 || details.publicExponent !== 65537n) {
    throw new EnvError('must be a 2048-bit RSA public key (the kind Clerk issues)');
  }
  return key.export({ type: 'spki', format: 'pem' }).toString();
});

/**
 * Clerk's SDK insists on a publishable key even though header-token verification never uses it.
 * Users coming from the earlier proxy only had CLERK_JWKS_URL, whose host is the Frontend API,
 * which is exactly what a publishable key encodes.
 */
function publishableKeyFor(explicit: string | undefined, jwksUrl: string | undefined): string {
  if (explicit) {
    if (!parsePublishableKey(explicit)) throw new ConfigError('CLERK_PUBLISHABLE_KEY is not a valid Clerk publishable key');
    return explicit;
  }
  if (jwksUrl) return buildPublishableKey(new URL(jwksUrl).host);
  throw new ConfigError('CLERK_PUBLISHABLE_KEY is required (Clerk > API keys), unless CLERK_JWKS_URL is set');
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer`);
  return value;
}

/** A positive number of seconds, as milliseconds a Node timer accepts. */
function seconds(name: string, value: number): number {
  const ms = Math.round(value * 1000);
  if (!Number.isFinite(ms) || ms < 1 || ms > 2 ** 31 - 1) throw new ConfigError(`${name} must be a number of seconds between 0.001 and 2147483`);
  return ms;
}

/**
 * As OpenTelemetry's exporters read them: the general endpoint gets `/v1/traces` appended, the
 * traces-only one is used as it is and wins.
 */
function tracingConfig(endpoint: string | undefined, tracesEndpoint: string | undefined, protocol: string, serviceName: string): TracingConfig | undefined {
  if (!endpoint && !tracesEndpoint) return undefined;
  return Object.freeze({
    tracesUrl: tracesEndpoint || `${endpoint}/v1/traces`,
    protocol: protocol as TracingConfig['protocol'],
    serviceName,
  });
}

/** The engine identity plugin's minimum too (IdentitySettings.MIN_SECRET_LENGTH). */
export const MIN_IDENTITY_SECRET_LENGTH = 32;

function definitionCacheTtlMs(value: number): number {
  if (value === 0) return 0;
  return seconds('DEFINITION_CACHE_TTL', value);
}

function throwingReporter({ errors }: { errors: Partial<Record<string, Error>> }): void {
  const problems = Object.entries(errors).map(([name, error]) =>
    error instanceof EnvMissingError ? `${name} is required` : `${name} ${error?.message ?? 'is invalid'}`,
  );
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): ProxyConfig {
  // `CLERK_JWT_KEY=` in an .env file means "not set", not "an empty key".
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const env = cleanEnv(
    present,
    {
      PORT: port({ default: 8000 }),
      HOST: str({ default: '0.0.0.0' }),
      ENGINE_URL: httpUrl({ default: 'http://localhost:8080/engine-rest' }),
      ENGINE_USER: str({ default: 'demo' }),
      ENGINE_PASS: str({ default: 'demo' }),
      ENGINE_TIMEOUT: num({ default: 30, desc: 'seconds' }),
      ENGINE_MAX_SOCKETS: num({ default: 64 }),
      ENGINE_IDENTITY_SECRET: str({ default: undefined }),
      CORS_ORIGINS: commaList({ default: ['http://localhost:3000'] }),
      ROUTES_CONFIG: str({ default: './routes.config.json' }),
      LOG_LEVEL: str({ choices: ['debug', 'info', 'warn', 'error', 'silent'], default: 'info' }),
      BODY_LIMIT: byteSize({ default: '1mb' }),
      TRUST_PROXY: bool({ default: false }),
      CLERK_PUBLISHABLE_KEY: str({ default: undefined }),
      CLERK_SECRET_KEY: str({ default: undefined }),
      CLERK_API_URL: httpUrl({ default: 'https://api.clerk.com' }),
      CLERK_JWT_KEY: rsaPublicKeyPem({ default: undefined }),
      CLERK_JWKS_URL: httpUrl({ default: undefined }),
      CLERK_AUTHORIZED_PARTIES: commaList({ default: [] }),
      CLERK_AUDIENCE: commaList({ default: [] }),
      ADMIN_ROLES: commaList({ default: ['org:admin'] }),
      GROUPS_CLAIM: str({ default: undefined }),
      TENANCY: str({ choices: ['on', 'off'], default: 'on' }),
      INSTANCE_ORG: str({ choices: ['stamp', 'tenant'], default: 'stamp' }),
      PLATFORM_ADMINS: commaList({ default: [] }),
      PERSONAL_ACCOUNTS: str({ choices: ['own-work', 'refuse'], default: 'own-work' }),
      DEPLOYMENT_LIMIT: byteSize({ default: '10mb' }),
      METRICS_TOKEN: str({ default: undefined }),
      WEB_CONCURRENCY: workerCount({ default: 1 }),
      AUTH_CACHE: str({ choices: ['on', 'off'], default: 'on' }),
      AUTH_CACHE_MAX_ENTRIES: num({ default: 10_000 }),
      AUTH_CACHE_MAX_TTL: num({ default: 60, desc: 'seconds' }),
      DRAIN_DELAY: num({ default: 0, desc: 'seconds' }),
      DEFINITION_CACHE_TTL: num({ default: 30, desc: 'seconds, 0 = off' }),
      // OpenTelemetry's own variable names, so that a collector set-up written for any service fits.
      OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl({ default: undefined }),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl({ default: undefined }),
      OTEL_EXPORTER_OTLP_PROTOCOL: str({ choices: ['http/protobuf', 'http/json'], default: 'http/protobuf' }),
      OTEL_SERVICE_NAME: str({ default: 'clerk-camunda-proxy' }),
      DRAIN_TIMEOUT: num({ default: 10, desc: 'seconds' }),
      REQUEST_TIMEOUT: num({ default: 30, desc: 'seconds' }),
      HEADERS_TIMEOUT: num({ default: 10, desc: 'seconds' }),
      MAX_CONNECTIONS: num({ default: 0, desc: '0 = no cap' }),
      RATE_LIMIT_READS: rateLimit({ default: { burst: 600, intervalMs: 60_000 } }),
      RATE_LIMIT_WRITES: rateLimit({ default: { burst: 60, intervalMs: 60_000 } }),
      RATE_LIMIT_PASSTHROUGH: rateLimit({ default: { burst: 1200, intervalMs: 60_000 } }),
      AUDIT_LOG: str({ default: 'stdout', desc: 'stdout, off, or a file path' }),
      AUDIT_VARIABLES: str({ choices: ['names', 'values', 'none'], default: 'names' }),
      AUDIT_DATABASE_URL: postgresUrl({ default: undefined }),
      AUDIT_QUEUE_MAX: num({ default: 10_000 }),
      AUDIT_RECENT: num({ default: 10_000 }),
      RATE_LIMIT_STORE: storeUrl({ default: undefined }),
      RATE_LIMIT_STORE_FAILURE: str({ choices: ['open', 'closed'], default: 'open' }),
      RATE_LIMIT_STORE_TIMEOUT: num({ default: 0.5, desc: 'seconds' }),
    },
    { reporter: throwingReporter },
  );

  const timeoutMs = Math.round(env.ENGINE_TIMEOUT * 1000);
  // Node treats a 0 ms socket timeout as "none" and throws for anything above 2^31-1 ms.
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1 || timeoutMs > 2 ** 31 - 1) {
    throw new ConfigError('ENGINE_TIMEOUT must be a number of seconds between 0.001 and 2147483');
  }
  const drainTimeoutMs = seconds('DRAIN_TIMEOUT', env.DRAIN_TIMEOUT);
  const drainDelayMs = Math.round(env.DRAIN_DELAY * 1000);
  if (!(drainDelayMs >= 0 && drainDelayMs < drainTimeoutMs)) throw new ConfigError('DRAIN_DELAY must be 0 or more seconds, and shorter than DRAIN_TIMEOUT');
  const requestTimeoutMs = seconds('REQUEST_TIMEOUT', env.REQUEST_TIMEOUT);
  const headersTimeoutMs = seconds('HEADERS_TIMEOUT', env.HEADERS_TIMEOUT);
  // Node refuses a server whose header deadline is later than its whole-request deadline.
  if (headersTimeoutMs > requestTimeoutMs) throw new ConfigError('HEADERS_TIMEOUT must not be longer than REQUEST_TIMEOUT');
  if (!Number.isInteger(env.MAX_CONNECTIONS) || env.MAX_CONNECTIONS < 0) throw new ConfigError('MAX_CONNECTIONS must be 0 (no cap) or a positive integer');
  if (!(env.ENGINE_MAX_SOCKETS >= 1)) throw new ConfigError('ENGINE_MAX_SOCKETS must be at least 1');
  const storeTimeoutMs = seconds('RATE_LIMIT_STORE_TIMEOUT', env.RATE_LIMIT_STORE_TIMEOUT);
  const identitySecret = env.ENGINE_IDENTITY_SECRET || undefined;
  // The plugin refuses a shorter one too: an HMAC key is only as strong as what it was made from.
  if (identitySecret !== undefined && identitySecret.length < MIN_IDENTITY_SECRET_LENGTH) {
    throw new ConfigError(`ENGINE_IDENTITY_SECRET must be at least ${MIN_IDENTITY_SECRET_LENGTH} characters (e.g. openssl rand -base64 48)`);
  }
  const secretKey = env.CLERK_SECRET_KEY || undefined;
  if (!env.CLERK_JWT_KEY && !env.CLERK_JWKS_URL && !secretKey) {
    throw new ConfigError('No Clerk key source: set CLERK_JWT_KEY (recommended), CLERK_JWKS_URL or CLERK_SECRET_KEY');
  }

  return Object.freeze({
    port: env.PORT,
    host: env.HOST,
    engine: Object.freeze({
      url: env.ENGINE_URL,
      user: env.ENGINE_USER,
      password: env.ENGINE_PASS,
      timeoutMs,
      maxSockets: env.ENGINE_MAX_SOCKETS,
      identitySecret,
    }),
    corsOrigins: Object.freeze(env.CORS_ORIGINS),
    routesConfigPath: env.ROUTES_CONFIG,
    logLevel: env.LOG_LEVEL as LogLevel,
    bodyLimit: env.BODY_LIMIT,
    deploymentLimit: env.DEPLOYMENT_LIMIT,
    trustProxy: env.TRUST_PROXY,
    metricsToken: env.METRICS_TOKEN || undefined,
    workers: env.WEB_CONCURRENCY,
    authCache: Object.freeze({
      enabled: env.AUTH_CACHE === 'on',
      maxEntries: positiveInteger('AUTH_CACHE_MAX_ENTRIES', env.AUTH_CACHE_MAX_ENTRIES),
      maxTtlMs: positiveInteger('AUTH_CACHE_MAX_TTL', env.AUTH_CACHE_MAX_TTL) * 1000,
    }),
    tracing: tracingConfig(env.OTEL_EXPORTER_OTLP_ENDPOINT, env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, env.OTEL_EXPORTER_OTLP_PROTOCOL, env.OTEL_SERVICE_NAME),
    server: Object.freeze({
      drainDelayMs,
      drainTimeoutMs,
      requestTimeoutMs,
      headersTimeoutMs,
      maxConnections: env.MAX_CONNECTIONS > 0 ? env.MAX_CONNECTIONS : undefined,
    }),
    audit: Object.freeze({
      lines: Object.freeze(env.AUDIT_LOG === 'stdout' || env.AUDIT_LOG === 'off' ? { to: env.AUDIT_LOG } : { to: 'file' as const, path: env.AUDIT_LOG }),
      variables: env.AUDIT_VARIABLES as AuditConfig['variables'],
      databaseUrl: env.AUDIT_DATABASE_URL || undefined,
      queueMax: positiveInteger('AUDIT_QUEUE_MAX', env.AUDIT_QUEUE_MAX),
      recent: positiveInteger('AUDIT_RECENT', env.AUDIT_RECENT),
    }),
    definitionCacheTtlMs: definitionCacheTtlMs(env.DEFINITION_CACHE_TTL),
    rateLimits: Object.freeze({
      reads: env.RATE_LIMIT_READS || undefined,
      writes: env.RATE_LIMIT_WRITES || undefined,
      passthrough: env.RATE_LIMIT_PASSTHROUGH || undefined,
    }),
    rateLimitStore: env.RATE_LIMIT_STORE
      ? Object.freeze({
          url: env.RATE_LIMIT_STORE.href,
          description: `${env.RATE_LIMIT_STORE.protocol}//${env.RATE_LIMIT_STORE.host}${env.RATE_LIMIT_STORE.pathname.length > 1 ? env.RATE_LIMIT_STORE.pathname : ''}`,
          onFailure: env.RATE_LIMIT_STORE_FAILURE as 'open' | 'closed',
          timeoutMs: storeTimeoutMs,
        })
      : undefined,
    clerk: Object.freeze({
      publishableKey: publishableKeyFor(env.CLERK_PUBLISHABLE_KEY || undefined, env.CLERK_JWKS_URL || undefined),
      secretKey,
      apiUrl: env.CLERK_API_URL,
      jwtKey: env.CLERK_JWT_KEY || undefined,
      jwksUrl: env.CLERK_JWKS_URL || undefined,
      authorizedParties: Object.freeze(env.CLERK_AUTHORIZED_PARTIES),
      audience: Object.freeze(env.CLERK_AUDIENCE),
    }),
    access: Object.freeze({
      adminRoles: Object.freeze(env.ADMIN_ROLES),
      groupsClaim: env.GROUPS_CLAIM || undefined,
      tenancy: env.TENANCY === 'on',
      instanceOrg: env.INSTANCE_ORG as InstanceOrg,
      platformAdmins: Object.freeze(env.PLATFORM_ADMINS),
      personalAccounts: env.PERSONAL_ACCOUNTS as 'own-work' | 'refuse',
    }),
  });
}
