import type { RouteDefinition, RouteMap } from '../config/routeMap.js';
import { describeAuthorization, mayForbid } from './authorizationNotes.js';
import { pathTemplateParams } from '@clerk-camunda-proxy/client/contract';
import { errorResponseRefs } from './errorResponses.js';
import { queryParametersFor } from './queryParameters.js';
import { readsBody, requestBodyFor } from './requestBodies.js';
import { successResponsesFor } from './successResponses.js';
import type { Operation, Parameter } from './types.js';

/** `/api/tasks/:id` is tagged `tasks`. */
export const tagOf = (path: string): string => path.split('/')[2] ?? 'api';

function errorStatusesFor(route: RouteDefinition): number[] {
  return [
    400,
    401,
    ...(mayForbid(route) ? [403] : []),
    404,
    ...(route.method === 'GET' ? [] : [409]),
    ...(readsBody(route) ? [413, 415] : []),
    429,
    502,
    503,
    504,
  ];
}

function describe(route: RouteDefinition, processes: RouteMap['processes']): string {
  const fixed = Object.entries(route.query ?? {}).map(([name, value]) => `\`${name}=${value}\``);
  return [
    ...(route.description ? [route.description, ''] : []),
    `Route \`${route.id}\` of the route map, forwarded to engine-rest \`${route.engine}\`${fixed.length ? ` always with ${fixed.join(', ')}` : ''}.`,
    '',
    ...describeAuthorization(route, processes),
  ].join('\n');
}

export function operationFor(route: RouteDefinition, processes: RouteMap['processes']): Operation {
  const pathParameters = pathTemplateParams(route.path).map(
    (name): Parameter => ({ name, in: 'path', required: true, schema: { type: 'string', minLength: 1 } }),
  );
  const parameters = [...pathParameters, ...queryParametersFor(route)];
  const requestBody = requestBodyFor(route);
  return {
    operationId: route.id,
    summary: route.description ?? `engine-rest ${route.engine}`,
    description: describe(route, processes),
    tags: [tagOf(route.path)],
    ...(parameters.length > 0 && { parameters }),
    ...(requestBody && { requestBody }),
    responses: { ...successResponsesFor(route), ...errorResponseRefs(errorStatusesFor(route)) },
  };
}
