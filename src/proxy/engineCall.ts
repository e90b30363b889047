/**
 * The plan of one engine call, as the route, passthrough or built-in stage makes it and policies
 * and intercepts narrow it; the engine proxy (engineProxy.ts) then runs it. Every stage above the
 * proxy speaks these types, so they live here, below all of them.
 */

/** Methods that carry no body: a client's is refused (see routes/requestBody.ts), and the engine request has none. */
export const bodilessMethods: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE']);

/** What planning a call learned that the client's answer may report (e.g. the task's instance). */
export interface ActionFacts {
  processInstanceId?: string | null;
  reason?: string;
}

/** What the client gets for a successful engine answer, when the route shapes it. */
export interface ClientAnswer {
  status: number;
  body: unknown;
}

export type AnswerShaper = (engineStatus: number, engineAnswer: unknown) => ClientAnswer | Promise<ClientAnswer>;

/**
 * What a route handler decides before handing the request to the proxy. Kept in the request context so the
 * single proxy instance can serve every route.
 */
export interface EngineCall {
  /** When the engine call uses another method than the client's (e.g. a list turned into a POST query). */
  method?: string;
  /** Full engine path including ENGINE_URL's base path and the query string. */
  path: string;
  /**
   * The whole body the engine gets, framed by the proxy with its own Content-Length: the client's
   * checked body, or one the proxy made. Without one, the engine request carries no body at all.
   */
  body?: string | Buffer;
  /** The body's media type; JSON unless said otherwise (the passthrough keeps the client's). */
  contentType?: string;
  timeoutMs?: number;
  successStatus?: (engineStatus: number) => number;
  /** Shapes a successful engine answer (read, bounded, as JSON) into the client's; see src/answers. */
  answer?: AnswerShaper;
  /**
   * For calls that create something: the client's path for an engine path, so that the answer's
   * `links[].href` (the engine's own URL) is rewritten, or dropped when there is none.
   */
  clientPath?: (enginePath: string) => string | undefined;
  /**
   * /engine-rest passthrough: the engine's answers, errors included, reach the client as they are
   * (Camunda clients parse its `{type, message}`), and the client's Accept is kept.
   */
  passthrough?: boolean;
  /**
   * A check running beside the call (a read's "may this caller see it"): nothing of the engine's
   * answer, success or error, reaches the client before it passes; if it fails, the answer is
   * discarded and the check's refusal is the answer. Only for reads: an action checks first.
   */
  gate?: Promise<void>;
  /**
   * The tenant the created object must carry (a start in an organisation with INSTANCE_ORG=tenant).
   * An answer naming none or another means the engine lacks OrganisationTenants: the instance is
   * then out of every organisation's reach, and the proxy says so in its log (`untenanted instance`).
   */
  createdInTenant?: string;
}

declare module '../http/requestContext.js' {
  interface RequestContext {
    /** What the engine proxy sends; set by the route, passthrough or built-in stage. */
    engineCall?: EngineCall;
  }
}
