import type { Policy } from '../policy.js';
import { useOwnDefinition } from './tenantDefinition.js';

/** A process definition by key (and its start form): the organisation's own, else the shared one. */
export const processDefinition: Policy = {
  param: 'key',
  note: "the organisation's own definition of the key when it has one, else the shared one; another organisation's answers 404 like an unknown key",
  async apply(context) {
    await useOwnDefinition(context);
  },
};
