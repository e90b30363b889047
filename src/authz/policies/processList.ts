import { definitionQuery } from '../boundary.js';
import type { Policy } from '../policy.js';

/** The definitions of the caller's organisation and the shared ones; never another organisation's. */
export const processList: Policy = {
  note: "the caller's organisation's own definitions and the shared ones (deployed without a tenant); never another organisation's",
  async apply(context) {
    if (context.principal.boundary.kind === 'all') return;
    const { path } = context.call;
    const at = path.indexOf('?');
    const query = definitionQuery(context.principal, new URLSearchParams(at === -1 ? '' : path.slice(at + 1)));
    context.call = { ...context.call, path: `${at === -1 ? path : path.slice(0, at)}?${query.toString()}` };
  },
};
