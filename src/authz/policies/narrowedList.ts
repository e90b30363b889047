import { seesEverything } from '../boundary.js';
import { toEngineListQuery } from '../listFilter.js';
import type { PolicyContext } from '../policy.js';

/**
 * Turns a GET list into the engine's POST query at `resource` (e.g. `/task`), the client's own
 * filters ANDed with the proxy's `criteria`. Callers who see everything keep the plain GET.
 */
export function narrowList(context: PolicyContext, resource: string, criteria: Record<string, unknown>): void {
  if (seesEverything(context.principal)) return;
  const { query, filter } = toEngineListQuery(context.rawQuery);
  context.call = {
    ...context.call,
    method: 'POST',
    path: `${context.basePath}${resource}${query}`,
    body: JSON.stringify({ ...filter, ...criteria }),
  };
}
