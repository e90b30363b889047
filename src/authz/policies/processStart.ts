import { forbidden } from '../../http/errors.js';
import { isAllowed } from '../allow.js';
import type { Policy } from '../policy.js';
import { useOwnDefinition } from './tenantDefinition.js';

/**
 * Starting a process is open unless the route map's `processes.<key>.start` says who may. In an
 * organisation it starts the organisation's own definition of the key when there is one.
 */
export const processStart: Policy = {
  param: 'key',
  note: "open, unless the route map's `processes` section limits the key; starts the organisation's own definition of the key when it has one, else the shared one",
  forbids: true,
  async apply(context, settings) {
    const { principal, params } = context;
    const rule = settings.processes[params.key!]?.start;
    if (!isAllowed(principal, rule)) throw forbidden(`you may not start process '${params.key}'`);
    await useOwnDefinition(context);
    // With INSTANCE_ORG=tenant the new instance must carry the organisation as its tenant, or nobody there will see it.
    const { boundary } = principal;
    if (boundary.kind === 'org' && boundary.instanceOrg === 'tenant') context.call = { ...context.call, createdInTenant: boundary.orgId };
  },
};
