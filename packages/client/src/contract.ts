/**
 * The contract the proxy and its clients share: the error envelope and its codes, the HTTP
 * methods of routes, and the engine's variable types. The proxy imports it from here
 * (`@clerk-camunda-proxy/client/contract`), so there is one definition, not a copy.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Every error code the proxy answers, with its HTTP status; `detail` is for humans. */
export const errorStatuses = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  engine_error: 502,
  engine_unavailable: 502,
  engine_timeout: 504,
  internal_error: 500,
} as const satisfies Record<string, number>;

export type ProxyErrorCode = keyof typeof errorStatuses;
export const proxyErrorCodes = Object.keys(errorStatuses) as readonly ProxyErrorCode[];

/** The body of every error answer. */
export interface ErrorEnvelope<Code extends string = ProxyErrorCode> {
  error: Code;
  detail: string;
  timestamp: string;
  requestId: string;
  /** On /engine-rest only: Camunda's own error fields, which Camunda clients log. */
  type?: string;
  message?: string;
}

/** The engine's variable types a client may name in `{value, type}`. */
export const engineVariableTypes = [
  'String', 'Boolean', 'Integer', 'Short', 'Long', 'Double', 'Date', 'Null', 'Json', 'Xml', 'Object', 'Bytes', 'File',
] as const;
export type EngineVariableType = (typeof engineVariableTypes)[number];
