import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SigningKey } from './clerkTokens.js';

export interface StandInUser {
  email?: string;
  firstName?: string;
  lastName?: string;
}

export interface ClerkApiStandInOptions {
  secretKey: string;
  keys: SigningKey[];
  users?: Record<string, StandInUser>;
}

export interface ClerkApiHits {
  jwks: number;
  publicJwks: number;
  users: number;
}

export interface ClerkApiStandIn {
  /** http://127.0.0.1:PORT — Clerk's `apiUrl`. */
  url: string;
  /** The unauthenticated key set, like a Frontend API's /.well-known/jwks.json. */
  publicJwksUrl: string;
  /** Counts every request to each endpoint, answered or refused. */
  hits: ClerkApiHits;
  setKeys(keys: SigningKey[]): void;
  /** While on, every request gets a 500. */
  fail(on: boolean): void;
  stop(): Promise<void>;
}

export async function startClerkApiStandIn(opts: ClerkApiStandInOptions): Promise<ClerkApiStandIn> {
  let keys = opts.keys;
  let failing = false;
  const users = opts.users ?? {};
  const hits: ClerkApiHits = { jwks: 0, publicJwks: 0, users: 0 };

  function jwks(): unknown {
    return { keys: keys.map((k) => k.publicJwk) };
  }

  function route(req: IncomingMessage): [number, unknown] {
    const pathname = (req.url ?? '').split('?')[0]!;
    const userMatch = /^\/v1\/users\/([^/]+)$/.exec(pathname);
    const isGet = req.method === 'GET';
    if (isGet && pathname === '/v1/jwks') hits.jwks++;
    else if (isGet && pathname === '/.well-known/jwks.json') hits.publicJwks++;
    else if (isGet && userMatch) hits.users++;

    if (failing) return [500, clerkError('internal_clerk_error', 'Oops, something went wrong')];
    if (isGet && pathname === '/.well-known/jwks.json') return [200, jwks()];

    const authorization = req.headers.authorization;
    if (authorization === undefined) return [401, clerkError('authentication_invalid', 'Invalid authentication')];
    // Clerk's SDK turns this code into its "secret-key-invalid" reason.
    if (authorization !== `Bearer ${opts.secretKey}`) {
      return [401, clerkError('clerk_key_invalid', 'The provided Clerk Secret Key is invalid.')];
    }
    if (isGet && pathname === '/v1/jwks') return [200, jwks()];
    if (isGet && userMatch) {
      const id = decodeURIComponent(userMatch[1]!);
      const user = users[id];
      return user ? [200, clerkUserJson(id, user)] : [404, clerkError('resource_not_found', 'not found')];
    }
    return [404, clerkError('resource_not_found', 'not found')];
  }

  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      try {
        const [status, body] = route(req);
        sendJson(res, status, body);
      } catch {
        sendJson(res, 400, clerkError('request_invalid', 'Malformed request'));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    publicJwksUrl: `${url}/.well-known/jwks.json`,
    hits,
    setKeys(next) {
      keys = next;
    },
    fail(on) {
      failing = on;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Shaped like Backend API's user object, enough for @clerk/backend's User.fromJSON. */
export function clerkUserJson(id: string, user: StandInUser): Record<string, unknown> {
  const emailId = `idn_${id.replace(/^user_/, '')}`;
  const createdAt = 1_700_000_000_000;
  return {
    object: 'user',
    id,
    external_id: null,
    username: null,
    first_name: user.firstName ?? null,
    last_name: user.lastName ?? null,
    image_url: 'https://img.clerk.com/placeholder',
    has_image: false,
    primary_email_address_id: user.email === undefined ? null : emailId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    password_enabled: false,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    email_addresses:
      user.email === undefined
        ? []
        : [
            {
              object: 'email_address',
              id: emailId,
              email_address: user.email,
              reserved: false,
              verification: null,
              linked_to: [],
              created_at: createdAt,
              updated_at: createdAt,
            },
          ],
    phone_numbers: [],
    web3_wallets: [],
    external_accounts: [],
    enterprise_accounts: [],
    public_metadata: {},
    private_metadata: {},
    unsafe_metadata: {},
    banned: false,
    locked: false,
    deprovisioned: false,
    last_sign_in_at: null,
    last_active_at: null,
    legal_accepted_at: null,
    create_organization_enabled: true,
    create_organizations_limit: null,
    delete_self_enabled: true,
    locale: null,
    timezone: null,
    created_at: createdAt,
    updated_at: createdAt,
  };
}

function clerkError(code: string, message: string): unknown {
  return { errors: [{ code, message, long_message: message, meta: {} }], clerk_trace_id: 'stand-in' };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  // Exactly "application/json": @clerk/backend only parses JSON when the header matches verbatim.
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
