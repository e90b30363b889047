import type { ClientRequest } from 'node:http';
import type { MachinePrincipal } from '../auth/clerkSession.js';
import type { Principal } from '../auth/principal.js';
import type { EngineCall } from '../proxy/engineProxy.js';
import type { ErrorCode } from './errors.js';

/**
 * What the pipeline knows about one request, stage by stage: one typed object instead of untyped
 * `res.locals` keys. Every stage reads and writes it through `contextOf(res)`.
 */
export interface RequestContext {
  /** request id (X-Request-Id): set first, by requestId.ts. */
  requestId: string;
  /** The route map id, passthrough rule id or built-in endpoint name, for logs and metrics. */
  routeId?: string;
  /** Who is calling: a signed-in user, or (on /engine-rest only) a Clerk machine. */
  principal?: Principal | MachinePrincipal;
  /** On /engine-rest: refusals also carry Camunda's own `type` and `message`. */
  camundaErrorFields?: boolean;
  /** What the engine proxy sends; set by the route or passthrough stage. */
  engineCall?: EngineCall;
  engineRequest?: ClientRequest;
  engineStartedAt?: number;
  engineDeadlinePassed?: boolean;
  engineStatus?: number;
  /** The error envelope's code, once an error was answered. */
  errorCode?: ErrorCode;
}

/** The request's context. Express keeps it as `res.locals`; this is the one place that says its type. */
export const contextOf = (res: { locals: object }): RequestContext => res.locals as RequestContext;

const isMachine = (principal: Principal | MachinePrincipal): principal is MachinePrincipal => 'kind' in principal && principal.kind === 'machine';

/** The signed-in user of an /api request (requireSession ran before every /api stage). */
export function signedInUser(res: { locals: object }): Principal {
  const { principal } = contextOf(res);
  if (!principal || isMachine(principal)) throw new Error('no signed-in user on this request: requireSession must run first');
  return principal;
}
