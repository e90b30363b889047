import type { Principal } from '../../auth/principal.js';
import type { EngineQueries } from '../../engine/engineQueries.js';
import { notFound } from '../../http/errors.js';
import type { ClientAnswer } from '../../proxy/engineCall.js';
import { seesEverything } from '../boundary.js';
import type { Policy, PolicyContext } from '../policy.js';

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

/** One engine resource (`/task`, `/process-instance`) and what lies under it, guarded by one policy. */
export interface GuardedResource {
  readonly resource: string;
  readonly note: string;
  /** The query criteria for "this resource, if the caller may see it". */
  criteria(principal: Principal, id: string): Record<string, unknown>;
  /** The 404's detail, the same as for a resource that does not exist. */
  missing(id: string): string;
  /** Another rule that may still find the resource when the query found nothing. */
  fallback?(engine: EngineQueries, principal: Principal, id: string): Promise<unknown>;
  /** The check before reading something under the resource (its form, its variables). */
  check(engine: EngineQueries, principal: Principal, id: string): Promise<unknown>;
}

/**
 * The resource itself is one filtered query. Reading something under it (its form, its variables)
 * is two engine calls, sent at once: the check and the read; the read's answer is held until the
 * check passes and discarded when it fails (EngineCall.gate), so a refused caller learns nothing,
 * not even from the way the engine says a resource is unknown. Anything else under it checks first.
 */
export function guardedResource(guarded: GuardedResource): Policy {
  return {
    param: 'id',
    note: guarded.note,
    async apply(context) {
      const { engine, principal, params } = context;
      if (seesEverything(principal)) return;
      const id = params.id!;
      if (!readsResource(context, guarded.resource, id)) {
        if (context.method !== 'GET' && context.method !== 'HEAD') {
          await guarded.check(engine, principal, id);
          return;
        }
        const gate = guarded.check(engine, principal, id).then(() => undefined);
        // Awaited by the engine proxy once the read's answer is in; until then a refusal must not
        // count as an unhandled rejection.
        gate.catch(() => undefined);
        context.call = { ...context.call, gate };
        return;
      }
      const fallback = guarded.fallback && (() => guarded.fallback!(engine, principal, id));
      readThroughQuery(context, guarded.resource, guarded.criteria(principal, id), guarded.missing(id), fallback);
    },
  };
}
