import type { ActionFacts } from '../proxy/engineCall.js';
import type { Principal } from '../auth/principal.js';
import type { DocumentedBody, RouteStage } from '../config/routeMap.js';

/** What an intercept makes of the client's body. */
export interface InterceptedBody {
  /** The engine's JSON body; undefined when the engine call carries none. */
  engineBody?: Record<string, unknown>;
  /** Proxy-owned variable names the client sent, left out of the engine's body. */
  dropped?: readonly string[];
  /** What the route's answer may report about the request. */
  facts?: ActionFacts;
}

/** For the OpenAPI document: one successful answer; without a schema it has no body. */
export interface DocumentedAnswer {
  readonly description: string;
  readonly schema?: Readonly<Record<string, unknown>>;
}

/**
 * A route whose JSON body the proxy reads (and rewrites) before anything reaches the engine,
 * referred to by `intercept` in routes.config.json (its name is its key in `intercepts/index.ts`).
 */
export interface Intercept extends RouteStage {
  readonly readsBody: true;
  /** For the OpenAPI document: the body it reads, and the answers a route without `answer` gives, by status. */
  readonly requestBody: DocumentedBody;
  readonly successAnswers: Readonly<Record<number, DocumentedAnswer>>;
  /** The status the client sees for a successful engine answer. */
  successStatus(engineStatus: number): number;
  /** Validates the client's body and returns the engine's. Throws ProxyError(400) on bad input. */
  engineBody(body: unknown, principal: () => Promise<Principal>): Promise<InterceptedBody>;
}
