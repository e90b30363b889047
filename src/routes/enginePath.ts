import { pathTemplateSegments, type PathTemplateSegment } from '@clerk-camunda-proxy/client/contract';
import type { RequestHandler } from 'express';
import { badRequest, ProxyError } from '../http/errors.js';

/** An engine-rest path template compiled once at start. */
export interface EnginePathTemplate {
  readonly segments: readonly PathTemplateSegment[];
  /** The whole path when the template has no parameters: nothing to build per request. */
  readonly fixed?: string;
  /** The literal part before the first parameter, e.g. `/task/` for `/task/:id/complete`. */
  readonly prefix: string;
}

export function compileEngineTemplate(template: string): EnginePathTemplate {
  const segments = pathTemplateSegments(template);
  const firstParam = template.indexOf('/:');
  return { segments, prefix: firstParam === -1 ? template : template.slice(0, firstParam + 1), ...(firstParam === -1 && { fixed: template }) };
}

/**
 * Express has already decoded the params (`%2F` is `/`, `%2e%2e` is `..`), so every value is
 * re-encoded as exactly one path segment, and values that would be a dot segment are refused.
 */
export function enginePathFor(basePath: string, template: EnginePathTemplate, params: Readonly<Record<string, string | undefined>>): string {
  if (template.fixed !== undefined) return basePath + template.fixed;
  let path = basePath;
  for (const segment of template.segments) {
    if ('literal' in segment) {
      path += `/${segment.literal}`;
      continue;
    }
    const value = params[segment.param];
    if (value === undefined || value === '') throw badRequest(`path parameter '${segment.param}' must not be empty`);
    if (value === '.' || value === '..') throw badRequest(`path parameter '${segment.param}' must not be a dot segment`);
    if (/[\u0000-\u001f\u007f]/.test(value)) throw badRequest(`path parameter '${segment.param}' contains control characters`);
    path += `/${encodeURIComponent(value)}`;
  }
  assertStaysInside(path, basePath + template.prefix);
  return path;
}

/** Belt and braces: whatever the params were, the result must still sit under the route's own prefix. */
function assertStaysInside(path: string, prefix: string): void {
  const normalised = new URL(path, 'http://engine.invalid').pathname;
  if (normalised !== path || !path.startsWith(prefix)) {
    throw new ProxyError(400, 'invalid_request', 'path parameters would leave the route');
  }
}

// The fixed part of each route's query, serialised once (keyed by the route's compiled map).
const fixedQueryText = new WeakMap<ReadonlyMap<string, string>, string>();

/**
 * Fixed query parameters from the route map always win over the client's; everything else
 * the client sent passes through untouched (not even re-serialised when nothing is fixed).
 */
export function engineQueryFor(rawQuery: string, fixed: ReadonlyMap<string, string> | undefined): string {
  if (!fixed || fixed.size === 0) return rawQuery ? `?${rawQuery}` : '';
  if (!rawQuery) {
    let text = fixedQueryText.get(fixed);
    if (text === undefined) {
      text = `?${new URLSearchParams([...fixed]).toString()}`;
      fixedQueryText.set(fixed, text);
    }
    return text;
  }
  const params = new URLSearchParams(rawQuery);
  for (const [name, value] of fixed) params.set(name, value);
  return `?${params.toString()}`;
}

/**
 * `;` starts a path parameter for the engine's server (Tomcat), which cuts it off before it
 * normalises dot segments. No route of the proxy has one, so a path carrying one, literally or
 * percent-encoded, is refused before it is matched.
 */
export const refusePathParameters: RequestHandler = (req, _res, next) => {
  const url = req.originalUrl;
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (path.includes(';') || /%3b/i.test(path)) throw badRequest("path parameters (';') are not accepted");
  next();
};
