import type { RouteDefinition } from '../config/routeMap.js';
import { pathTemplateParams, pathTemplateShape } from '@clerk-camunda-proxy/client/contract';
import type { Parameter } from './types.js';

const known: Readonly<Record<string, Omit<Parameter, 'name' | 'in'>>> = {
  processDefinitionKey: { description: 'Only those of this process definition key, e.g. `order`', schema: { type: 'string' } },
  businessKey: { description: 'Only the instance with this business key', schema: { type: 'string' } },
  assignee: { description: 'Only tasks assigned to this user id (a Clerk user id)', schema: { type: 'string' } },
  processInstanceId: { description: 'Only tasks of this process instance', schema: { type: 'string' } },
  firstResult: { description: 'Paging: index of the first result', schema: { type: 'integer', minimum: 0 } },
  maxResults: { description: 'Paging: at most this many results', schema: { type: 'integer', minimum: 0 } },
};

// The engine-rest list resources whose common filters are worth naming; any others pass through too.
const filtersByEngineList: Readonly<Record<string, readonly string[]>> = {
  '/process-definition': [],
  '/process-instance': ['processDefinitionKey', 'businessKey'],
  '/task': ['assignee', 'processInstanceId', 'processDefinitionKey'],
  '/history/process-instance': ['processDefinitionKey', 'businessKey'],
  '/history/task': ['assignee', 'processInstanceId', 'processDefinitionKey'],
};

const isList = (route: RouteDefinition) =>
  route.method === 'GET' && (Object.hasOwn(filtersByEngineList, pathTemplateShape(route.engine)) || pathTemplateParams(route.path).length === 0);

/**
 * The client's query passes through to the engine untouched, so only a few common ones are named;
 * parameters fixed by the route map are not the client's to send.
 */
export function queryParametersFor(route: RouteDefinition): Parameter[] {
  if (!isList(route)) return [];
  const fixed = new Set(Object.keys(route.query ?? {}));
  const named = [...(filtersByEngineList[pathTemplateShape(route.engine)] ?? []), 'firstResult', 'maxResults'].filter((name) => !fixed.has(name));
  return [
    ...named.map((name): Parameter => ({ name, in: 'query', ...known[name]! })),
    {
      name: 'engineQuery',
      in: 'query',
      style: 'form',
      explode: true,
      description: `Any other query parameter of engine-rest \`GET ${route.engine}\` (sortBy, sortOrder, …) passes through untouched; this is not a parameter name of its own.`,
      schema: { type: 'object', additionalProperties: { type: 'string' } },
      // Without it Swagger UI pre-fills `additionalProp1=string` into "Try it out".
      example: {},
    },
  ];
}
