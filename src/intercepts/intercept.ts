import type { Principal } from '../auth/principal.js';
import type { InterceptName } from '../config/routeMap.js';

/** A route whose JSON body the proxy rewrites before it reaches the engine. */
export interface Intercept {
  readonly name: InterceptName;
  /** The status the client sees for a successful engine answer. */
  successStatus(engineStatus: number): number;
  /** Validates the client's body and returns the engine's. Throws ProxyError(400) on bad input. */
  engineBody(body: unknown, principal: () => Promise<Principal>): Promise<Record<string, unknown>>;
}
