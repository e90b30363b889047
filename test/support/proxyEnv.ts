import { TEST_PUBLISHABLE_KEY, type SigningKey } from './clerkTokens.js';

/** The origin the tests, the demo and the topology play the frontend from. */
export const FRONTEND_ORIGIN = 'http://localhost:3000';

/**
 * The proxy's environment wherever it runs with a throwaway Clerk key: in-process test apps, the
 * bench, the fuzz run, the demo and the topology's `node dist/server.js`. Networkless verification
 * with the key's public half, as a deployment with CLERK_JWT_KEY does.
 */
export function baseEnv(key: SigningKey, engineUrl: string): NodeJS.ProcessEnv {
  return {
    CLERK_JWT_KEY: key.publicKeyPem,
    CLERK_PUBLISHABLE_KEY: TEST_PUBLISHABLE_KEY,
    CLERK_AUTHORIZED_PARTIES: FRONTEND_ORIGIN,
    ENGINE_URL: engineUrl,
    LOG_LEVEL: 'silent',
    // Every test (and the bench) runs through the rate limiters, far from their limits: a suite signs
    // in as a handful of users and makes thousands of calls a minute. Fair use has its own tests.
    RATE_LIMIT_READS: '1000000/second',
    RATE_LIMIT_WRITES: '1000000/second',
    RATE_LIMIT_PASSTHROUGH: '1000000/second',
  };
}

/** The same for a `node dist/server.js` child: only PATH and HOME of this process's own environment. */
export function serverProcessEnv(key: SigningKey, engineUrl: string, settings: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { PATH, HOME } = process.env;
  return { PATH, HOME, HOST: '127.0.0.1', ...baseEnv(key, engineUrl), LOG_LEVEL: 'warn', ...settings };
}
