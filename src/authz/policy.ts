import type { ActionFacts } from '../proxy/engineCall.js';
import type { Principal } from '../auth/principal.js';
import type { RouteStage } from '../config/routeMap.js';
import type { EngineCall } from '../proxy/engineCall.js';
import type { AllowRule } from './allow.js';
import type { EngineQueries } from '../engine/engineQueries.js';
import type { OwnDefinitions } from './ownDefinitions.js';

export interface PolicyContext {
  readonly principal: Principal;
  /** The client's method (GET for a read). */
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  readonly rawQuery: string;
  /** The parsed JSON body, for policies that read one. */
  readonly body: unknown;
  readonly engine: EngineQueries;
  /** Kept answers to "does this organisation have its own definition of this key" (see ownDefinitions.ts). */
  readonly ownDefinitions: OwnDefinitions;
  /** ENGINE_URL's path, e.g. /engine-rest */
  readonly basePath: string;
  /** The call the route would make; a policy may narrow or replace it. */
  call: EngineCall;
  /** What the policy found that the route's answer may report (e.g. a task's instance). */
  readonly facts: ActionFacts;
}

/** What the route map may say besides routes, for policies that need it. */
export interface PolicySettings {
  /** Per process key: who may start it. Keys not listed are open to every signed-in user. */
  readonly processes: Readonly<Record<string, { readonly start?: AllowRule }>>;
}

/**
 * A named resource rule, referred to by `policy` in routes.config.json (its name is its key in
 * `policies/index.ts`). It throws ProxyError (403, or 404 when even the existence of the resource
 * must not be revealed) or lets the call go. `readsBody`: needs the JSON body parsed (claim reads `userId`).
 */
export interface Policy extends RouteStage {
  /** For the OpenAPI document: who passes. */
  readonly note: string;
  /** It answers 403; policies without it hide what the caller may not see behind 404. */
  readonly forbids?: boolean;
  apply(context: PolicyContext, settings: PolicySettings): Promise<void>;
}
