import { policies } from '../authz/policies/index.js';
import { stageNamed, type DocumentedBody, type RouteDefinition } from '../config/routeMap.js';
import { intercepts } from '../intercepts/index.js';
import { bodyKindOf } from '../routes/requestBody.js';
import type { Operation } from './types.js';

type RequestBody = NonNullable<Operation['requestBody']>;

const jsonBody = ({ required, schema, example }: DocumentedBody): RequestBody => ({
  required,
  content: { 'application/json': { schema: { ...schema }, ...(example !== undefined && { example }) } },
});

/** The bodies the proxy reads itself, as the intercept or policy describes them; any other body is passed to the engine as is. */
export function requestBodyFor(route: RouteDefinition): RequestBody | undefined {
  if (route.intercept) return jsonBody(stageNamed(intercepts, route.intercept).requestBody);
  // The route sends its own fixed body; a client's JSON body is read and ignored.
  if (route.engineBody) return undefined;
  const read = route.policy && stageNamed(policies, route.policy).requestBody;
  if (read) return jsonBody(read);
  if (bodyKindOf(route) === 'none') return undefined;
  return { ...jsonBody({ required: false, schema: {} }), description: 'Passed to the engine as is' };
}

export const readsBody = (route: RouteDefinition): boolean => bodyKindOf(route) !== 'none';
