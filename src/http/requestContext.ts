import type { ErrorCode } from './errors.js';

/**
 * What the pipeline knows about one request: one typed object instead of untyped `res.locals`
 * keys, read and written through `contextOf(res)`. Each stage declares the fields it owns beside
 * its code, by augmenting this interface, so that a lower layer never imports a higher one:
 * - `principal`: the authentication stage (auth/clerkSession.ts), with `signedInUser(res)`;
 * - `engineCall`: the engine call a route planned (proxy/engineCall.ts);
 * - `engineRequest`, `engineStartedAt`, `engineDeadlinePassed`, `engineSpan`: the engine proxy (proxy/engineProxy.ts);
 * - `trace`: the request's server span, when tracing is on (http/requestSpan.ts).
 */
export interface RequestContext {
  /** request id (X-Request-Id): set first, by requestId.ts. */
  requestId: string;
  /** The route map id, passthrough rule id or built-in endpoint name, for logs and metrics. */
  routeId?: string;
  /** On /engine-rest: refusals also carry Camunda's own `type` and `message`. */
  camundaErrorFields?: boolean;
  /** The engine's answer status, once the engine answered: for the access log and metrics. */
  engineStatus?: number;
  /** The error envelope's code, once an error was answered. */
  errorCode?: ErrorCode;
}

/** The request's context. Express keeps it as `res.locals`; this is the one place that says its type. */
export const contextOf = (res: { locals: object }): RequestContext => res.locals as RequestContext;
