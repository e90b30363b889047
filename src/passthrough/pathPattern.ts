import { pathTemplateSegments, type PathTemplateSegment } from '@clerk-camunda-proxy/client/contract';
import { badRequest } from '../http/errors.js';

/** A passthrough path pattern compiled once: literal segments, `:param`, and an optional trailing `/**`. */
export interface PathPattern {
  readonly segments: readonly PathTemplateSegment[];
  readonly rest: boolean;
}

export function compilePathPattern(pattern: string): PathPattern {
  const rest = pattern.endsWith('/**');
  return { segments: pathTemplateSegments(rest ? pattern.slice(0, -3) : pattern), rest };
}

export function matchesPath(pattern: PathPattern, segments: readonly string[]): boolean {
  if (pattern.rest ? segments.length < pattern.segments.length : segments.length !== pattern.segments.length) return false;
  return pattern.segments.every((segment, index) => ('literal' in segment ? segments[index] === segment.literal : segments[index] !== ''));
}

// Characters that a server behind us reads differently from a plain segment: Tomcat cuts
// `;params` off a segment before it normalises `..` (so `/history/..;/task` is `/task` there),
// and decodes `%2f`, `%5c`, `%2e` and `%00` into separators, dots and NUL.
const ambiguousInSegment = /[;\\/\u0000]/;

/**
 * The path as the client sent it (never X-Forwarded-*), split into decoded segments. Anything
 * that is not already normal (dot or empty segments, `;` path parameters, backslashes, encoded
 * slashes, dots, semicolons or NUL, broken percent-encoding) is refused. What is matched against
 * the rules is the decoded segments, and what is forwarded is those segments re-encoded, so the
 * path the rules saw is the path the engine's server routes.
 */
export function normalisedSegments(rawPath: string): string[] {
  if (!rawPath.startsWith('/') || rawPath.includes('\\') || rawPath.includes(';')) {
    throw badRequest('path is not in normal form (path parameters, encoded slashes, dots or backslashes are not accepted)');
  }
  const segments = rawPath.split('/').slice(1);
  return segments.map((segment, index) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw badRequest('path is not in normal form (invalid percent-encoding)');
    }
    if (decoded === '.' || decoded === '..' || (decoded === '' && index < segments.length - 1) || ambiguousInSegment.test(decoded) || (decoded !== segment && /%2e|%25/i.test(segment))) {
      throw badRequest('path is not in normal form (dot, empty or encoded separator segments are not accepted)');
    }
    return decoded;
  });
}

/** The engine path for matched segments: each one encoded as exactly one segment. */
export function enginePathOf(segments: readonly string[]): string {
  return `/${segments.map(encodeURIComponent).join('/')}`;
}
