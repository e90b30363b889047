import { forbidden } from '../../http/errors.js';
import { isAllowed } from '../allow.js';
import type { Policy } from '../policy.js';

/** Starting a process is open unless the route map's `processes.<key>.start` says who may. */
export const processStart: Policy = {
  name: 'processStart',
  async apply({ principal, params }, settings) {
    const rule = settings.processes[params.key!]?.start;
    if (!isAllowed(principal, rule)) throw forbidden(`you may not start process '${params.key}'`);
  },
};
