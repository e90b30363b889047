import type { Principal } from '../../auth/principal.js';
import { definitionQuery } from '../boundary.js';
import type { Policy } from '../policy.js';

/** Engine queries remembered at most; the oldest is forgotten first. */
const REMEMBERED_QUERIES = 512;

/**
 * The engine query depends only on the caller's boundary and the route's query text, and a
 * frontend lists with the same few queries again and again: remembered, so that a list does not
 * parse and re-serialise its query on every request.
 */
const remembered = new Map<string, string>();

function engineQueryFor(principal: Principal, queryText: string): string {
  const { boundary } = principal;
  const key = `${boundary.kind === 'org' ? boundary.orgId : ''}\n${queryText}`;
  let query = remembered.get(key);
  if (query === undefined) {
    query = definitionQuery(principal, new URLSearchParams(queryText)).toString();
    if (remembered.size >= REMEMBERED_QUERIES) remembered.delete(remembered.keys().next().value!);
    remembered.set(key, query);
  }
  return query;
}

/** The definitions of the caller's organisation and the shared ones; never another organisation's. */
export const processList: Policy = {
  note: "the caller's organisation's own definitions and the shared ones (deployed without a tenant); never another organisation's",
  async apply(context) {
    if (context.principal.boundary.kind === 'all') return;
    const { path } = context.call;
    const at = path.indexOf('?');
    const query = engineQueryFor(context.principal, at === -1 ? '' : path.slice(at + 1));
    context.call = { ...context.call, path: `${at === -1 ? path : path.slice(0, at)}?${query}` };
  },
};
