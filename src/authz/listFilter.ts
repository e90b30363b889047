import { badRequest } from '../http/errors.js';

// Query parameters that stay in the URL of Camunda's POST queries.
const paging = new Set(['firstResult', 'maxResults']);
// `name_op_value` parameters split on every `_`, and Clerk ids contain `_`; they also could not be
// combined with the proxy's own filter. Refused on filtered lists.
const unsupported = new Set(['processVariables', 'taskVariables', 'caseInstanceVariables', 'variables', 'includeAssignedTasks', 'orQueries']);
const numeric = new Set(['priority', 'minPriority', 'maxPriority']);
const isList = (name: string) => /(In|NotIn|Ids)$/.test(name) || name === 'candidateGroups';

export interface EngineListQuery {
  /** The query string that stays on the URL (paging), with its `?`, or ''. */
  query: string;
  /** The client's filters as a POST query body. */
  filter: Record<string, unknown>;
}

/**
 * Turns a GET list query into Camunda's POST query form, so the proxy can add its own
 * criteria. Every client parameter stays a top-level criterion, ANDed with the proxy's, so a
 * client filter can narrow the result and never widen it.
 */
export function toEngineListQuery(rawQuery: string): EngineListQuery {
  const params = new URLSearchParams(rawQuery);
  const kept = new URLSearchParams();
  const filter: Record<string, unknown> = {};
  let sortBy: string | undefined;
  let sortOrder: string | undefined;
  for (const [name, value] of params) {
    if (paging.has(name)) kept.append(name, value);
    else if (unsupported.has(name)) throw badRequest(`query parameter '${name}' is not supported on this list`);
    else if (name === 'sortBy') sortBy = value;
    else if (name === 'sortOrder') sortOrder = value;
    else if (value === 'true' || value === 'false') filter[name] = value === 'true';
    else if (isList(name)) filter[name] = value.split(',').filter(Boolean);
    else if (numeric.has(name)) filter[name] = Number(value);
    else filter[name] = value;
  }
  if (sortBy) filter.sorting = [{ sortBy, sortOrder: sortOrder ?? 'asc' }];
  const query = kept.toString();
  return { query: query ? `?${query}` : '', filter };
}
