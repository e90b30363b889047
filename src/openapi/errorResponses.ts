import { errorStatuses, type ErrorCode } from '../http/errors.js';
import { errorEnvelope } from './schemas.js';
import type { Response } from './types.js';

const meanings: Readonly<Record<number, string>> = {
  400: 'Bad input (shape, unsafe integer, bad date, unsafe path parameter), or the engine said 400',
  401: 'No valid Clerk session token in `Authorization: Bearer`. Never a redirect, never `WWW-Authenticate`',
  403: 'An `allow` rule or a policy refused the call',
  404: 'Unknown route, or anything the engine does not find (or the caller may not see)',
  405: 'A known path with a method no route declares; `Allow` lists the declared ones',
  409: 'The engine reports a conflict, e.g. the task is already claimed',
  413: 'The body is larger than BODY_LIMIT',
  415: 'The body is not JSON (Content-Type) on a route that takes JSON, or has an unsupported encoding or charset',
  429: 'The caller used up its rate limit for this class of calls (reads, writes, engine-rest); `Retry-After` says how many seconds to wait. The engine was not called',
  500: 'Unexpected error in the proxy',
  502: 'The engine is unreachable, refused the service credentials, answered 5xx or redirected',
  503: 'Only with a shared rate-limit store (RATE_LIMIT_STORE) and RATE_LIMIT_STORE_FAILURE=closed: the store does not answer, so the call is refused. The engine was not called',
  504: 'The engine was slower than ENGINE_TIMEOUT',
};

const codesFor = (status: number) => (Object.entries(errorStatuses) as [ErrorCode, number][]).filter(([, s]) => s === status).map(([code]) => code);

export const errorResponseName = (status: number) => `Error${status}`;

/** One reusable response per status the proxy can answer with, its `error` narrowed to that status' codes. */
export function errorResponses(): Record<string, Response> {
  const statuses = [...new Set(Object.values(errorStatuses))].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => [
      errorResponseName(status),
      {
        description: meanings[status] ?? codesFor(status).join(', '),
        content: {
          'application/json': { schema: errorEnvelope(codesFor(status)) },
        },
      },
    ]),
  );
}

export const errorResponseRefs = (statuses: readonly number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/${errorResponseName(status)}` }]));
