import type { Principal } from '../auth/principal.js';
import type { RouteStage } from '../config/routeMap.js';
import type { ActionFacts, ClientAnswer } from '../proxy/engineCall.js';

export type { ActionFacts, ClientAnswer } from '../proxy/engineCall.js';

export interface AnswerContext {
  readonly params: Readonly<Record<string, string>>;
  readonly principal: Principal;
  readonly facts: Readonly<ActionFacts>;
  /** The JSON body the engine was sent (the route's fixed body or the intercept's), if any. */
  readonly sent: Readonly<Record<string, unknown>> | undefined;
  readonly engineStatus: number;
  /** The engine's successful answer, parsed; undefined when it had no body (204). */
  readonly engineAnswer: unknown;
}


/**
 * A named shape for a successful engine answer, referred to by `answer` in routes.config.json
 * (its name is its key in `answers/index.ts`). Clients that call `response.json()` on every
 * success cannot take the engine's bare 204.
 */
export interface Answer extends RouteStage {
  /** For the OpenAPI document: what the client gets. */
  readonly description: string;
  readonly schema: Readonly<Record<string, unknown>>;
  shape(context: AnswerContext): ClientAnswer;
}
