import { badRequest } from '../http/errors.js';

const paging = ['firstResult', 'maxResults'] as const;
const count = /^\d{1,9}$/;

/**
 * The paging parameters the OpenAPI document declares (`integer`, `minimum: 0`) are checked
 * before the engine is asked: the engine answers a negative or non-numeric one with a 500.
 */
export function assertPagingQuery(rawQuery: string): void {
  if (!rawQuery || !/(?:^|&)(?:firstResult|maxResults)=/.test(rawQuery)) return;
  const params = new URLSearchParams(rawQuery);
  for (const name of paging) {
    for (const value of params.getAll(name)) {
      if (!count.test(value)) throw badRequest(`query parameter '${name}' must be a whole number from 0 (got '${value}')`);
    }
  }
}
