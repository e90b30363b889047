import { badRequest } from '../http/errors.js';

type PatternSegment = { literal: string } | { param: string };

/** A passthrough path pattern compiled once: literal segments, `:param`, and an optional trailing `/**`. */
export interface PathPattern {
  readonly segments: readonly PatternSegment[];
  readonly rest: boolean;
}

export function compilePathPattern(pattern: string): PathPattern {
  const rest = pattern.endsWith('/**');
  const parts = (rest ? pattern.slice(0, -3) : pattern).split('/').slice(1).filter((part) => part !== '');
  return { segments: parts.map((part) => (part.startsWith(':') ? { param: part.slice(1) } : { literal: part })), rest };
}

export function matchesPath(pattern: PathPattern, segments: readonly string[]): boolean {
  if (pattern.rest ? segments.length < pattern.segments.length : segments.length !== pattern.segments.length) return false;
  return pattern.segments.every((segment, index) => ('literal' in segment ? segments[index] === segment.literal : segments[index] !== ''));
}

// Encoded slash, backslash, dot, NUL and percent: anything that a server behind us could decode
// into a different path than the one matched here.
const ambiguousEncoding = /%(2f|5c|2e|00|25)/i;

/**
 * The path as the client sent it (never X-Forwarded-*), split into segments. Anything that is not
 * already normal (dot segments, empty segments, backslashes, encoded slashes or dots) is refused,
 * so the path matched is the path the engine sees.
 */
export function normalisedSegments(rawPath: string): string[] {
  if (!rawPath.startsWith('/') || rawPath.includes('\\') || ambiguousEncoding.test(rawPath)) {
    throw badRequest('path is not in normal form (encoded slashes, dots or backslashes are not accepted)');
  }
  const segments = rawPath.split('/').slice(1);
  if (segments.some((segment, index) => segment === '.' || segment === '..' || (segment === '' && index < segments.length - 1))) {
    throw badRequest('path is not in normal form (dot or empty segments are not accepted)');
  }
  return segments;
}
