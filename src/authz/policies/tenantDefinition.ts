import type { PolicyContext } from '../policy.js';

/**
 * engine-rest addresses a definition by key without a tenant (`/process-definition/key/{key}/…`
 * finds only shared definitions, "… and no tenant-id") or with one (`…/key/{key}/tenant-id/{t}/…`
 * finds only that tenant's). A caller in an organisation gets the organisation's own definition
 * when it has one, else the shared one; another organisation's definition stays as unknown as a
 * key that does not exist. One count query decides, and its answer is kept a short while
 * (ownDefinitions.ts): a definition's tenant does not change between calls.
 */
export async function useOwnDefinition(context: PolicyContext): Promise<void> {
  const { boundary } = context.principal;
  if (boundary.kind !== 'org') return;
  const key = context.params.key!;
  const own = await context.ownDefinitions.has(boundary.orgId, key, async () => (await context.engine.countDefinitions(new URLSearchParams({ key, tenantIdIn: boundary.orgId }).toString())) > 0);
  if (!own) return;
  const byKey = `${context.basePath}/process-definition/key/${encodeURIComponent(key)}`;
  const { path } = context.call;
  // The route map may point a policy-guarded route elsewhere; only the by-key form is rewritten.
  if (!path.startsWith(byKey) || !/^[/?]|^$/.test(path.slice(byKey.length))) return;
  context.call = { ...context.call, path: `${byKey}/tenant-id/${encodeURIComponent(boundary.orgId)}${path.slice(byKey.length)}` };
}
