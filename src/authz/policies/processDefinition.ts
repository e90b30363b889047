import type { Policy } from '../policy.js';
import { useOwnDefinition } from './tenantDefinition.js';

/** A process definition by key (and its start form): the organisation's own, else the shared one. */
export const processDefinition: Policy = {
  name: 'processDefinition',
  async apply(context) {
    await useOwnDefinition(context);
  },
};
