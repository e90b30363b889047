import { badRequest } from '../http/errors.js';

/** The only engine path whose body a tenant pin rewrites. */
export const FETCH_AND_LOCK = '/external-task/fetchAndLock';

/**
 * A worker pinned to tenants fetches external tasks of those tenants only: every topic's
 * `tenantIdIn` is forced to the pin, and `withoutTenantId` (which would reach shared work) is
 * removed, whatever the worker asked for. Returns the engine's JSON body.
 */
export function pinnedFetchAndLock(body: unknown, tenants: readonly string[]): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('fetchAndLock needs a JSON object body (Content-Type: application/json)');
  const { topics } = body as { topics?: unknown };
  if (!Array.isArray(topics)) throw badRequest("fetchAndLock needs a 'topics' array");
  const pinned = topics.map((topic: unknown) => {
    if (topic === null || typeof topic !== 'object' || Array.isArray(topic)) throw badRequest("every entry of 'topics' must be an object");
    const { withoutTenantId: _shared, ...rest } = topic as Record<string, unknown>;
    return { ...rest, tenantIdIn: [...tenants] };
  });
  return JSON.stringify({ ...body, topics: pinned });
}
