import { badRequest } from '../http/errors.js';

const paging = ['firstResult', 'maxResults'] as const;
const count = /^\d{1,9}$/;
// engine-rest query parameters are identifiers (`processDefinitionKey`, `sortBy`, `variables`).
const parameterName = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

/**
 * The client's query, checked before the engine is asked: every parameter name is an engine-rest
 * identifier, and the paging parameters the OpenAPI document declares (`integer`, `minimum: 0`)
 * are whole numbers (the engine answers a negative or non-numeric one with a 500).
 */
export function assertClientQuery(rawQuery: string): void {
  if (!rawQuery) return;
  const params = new URLSearchParams(rawQuery);
  for (const name of params.keys()) {
    if (!parameterName.test(name)) throw badRequest(`query parameter name ${JSON.stringify(name.slice(0, 64))} is not an engine-rest parameter`);
  }
  for (const name of paging) {
    for (const value of params.getAll(name)) {
      if (!count.test(value)) throw badRequest(`query parameter '${name}' must be a whole number from 0 (got '${value}')`);
    }
  }
}
