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
  rate_limit_unavailable: 503,
  engine_error: 502,
  engine_unavailable: 502,
  engine_timeout: 504,
  audit_unavailable: 503,
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

/**
 * A route's path is a template: literal segments and `:name` parameters, each parameter standing
 * for exactly one segment (`/api/tasks/:id`, engine-rest `/task/:id/complete`). The route map,
 * the proxy's routing and passthrough matching, its OpenAPI document and this client all read
 * templates with these functions.
 */
export type PathTemplateSegment = { readonly literal: string } | { readonly param: string };

/** `/api/tasks/:id` is the literals `api`, `tasks` and the parameter `id`. */
export function pathTemplateSegments(template: string): PathTemplateSegment[] {
  return template
    .split('/')
    .slice(1)
    .map((part) => (part.startsWith(':') ? { param: part.slice(1) } : { literal: part }));
}

/** The parameter names of a template, in order. */
export function pathTemplateParams(template: string): string[] {
  return pathTemplateSegments(template).flatMap((segment) => ('param' in segment ? [segment.param] : []));
}

/** The template with each parameter replaced by `valueOf(name)`; literals are kept as they are. */
export function fillPathTemplate(template: string, valueOf: (name: string) => string): string {
  return pathTemplateSegments(template)
    .map((segment) => `/${'literal' in segment ? segment.literal : valueOf(segment.param)}`)
    .join('');
}

/** Parameter names left out: `/task/:id` and `/task/:taskId` have the same shape, `/task/:`. */
export const pathTemplateShape = (template: string): string => fillPathTemplate(template, () => ':');
