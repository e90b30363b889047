import type { ClientAnswer } from '../../answers/answer.js';
import { notFound } from '../../http/errors.js';
import type { PolicyContext } from '../policy.js';

/**
 * The route reads the resource itself (`GET /task/{id}`), not something under it (its form, its
 * variables): then one engine query can answer "this resource, if the caller may see it".
 */
export function readsResource(context: PolicyContext, resource: string, id: string): boolean {
  const { method, call, basePath } = context;
  if ((method !== 'GET' && method !== 'HEAD') || call.method !== undefined || call.body !== undefined) return false;
  const path = `${basePath}${resource}/${encodeURIComponent(id)}`;
  return call.path === path || call.path.startsWith(`${path}?`);
}

/**
 * Replaces the read with the engine's POST query at `resource` (`/task`, `/process-instance`) for
 * `criteria`, whose `[match]` answer is the resource as the engine's GET gives it (the same fields)
 * and whose `[]` is the 404 of an unknown resource, so the caller cannot tell the two apart. One
 * engine call, and no check-then-act gap between the check and the read. `fallback` may still find
 * the resource by another rule when the query found nothing.
 */
export function readThroughQuery(
  context: PolicyContext,
  resource: string,
  criteria: Record<string, unknown>,
  missing: string,
  fallback?: () => Promise<unknown>,
): void {
  context.call = {
    ...context.call,
    path: `${context.basePath}${resource}`,
    method: 'POST',
    body: JSON.stringify(criteria),
    async answer(engineStatus, engineAnswer): Promise<ClientAnswer> {
      const found = (Array.isArray(engineAnswer) ? engineAnswer[0] : undefined) ?? (await fallback?.());
      if (found === undefined || found === null) throw notFound(missing);
      return { status: engineStatus, body: found };
    },
  };
}
