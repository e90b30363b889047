import type { RouteMap } from '../config/routeMap.js';
import { builtInPaths } from './builtInOperations.js';
import { openApiPath } from './pathTemplates.js';
import { errorResponses } from './errorResponses.js';
import { operationFor } from './operation.js';
import { passthroughOperation, passthroughPath } from './passthroughOperations.js';
import { schemas } from './schemas.js';
import type { OpenApiDocument, OperationMethod, PathItem } from './types.js';

export interface OpenApiOptions {
  title?: string;
  version?: string;
  /** Omitted: clients (and Swagger UI) use the origin the document was fetched from. */
  serverUrl?: string;
}

const description = [
  'The front door between Clerk-authenticated web apps and Camunda 7 engine-rest.',
  'Every route except `/health` needs a Clerk **session** token in `Authorization: Bearer`.',
  'The `/api` routes come from the route map (routes.config.json); the operationId is the route id.',
  'Every error is the JSON envelope `{error, detail, timestamp, requestId}`.',
].join('\n\n');

/** The OpenAPI 3.1 description of exactly the routes this proxy serves with this route map. */
export function openApiDocument(routeMap: RouteMap, options: OpenApiOptions = {}): OpenApiDocument {
  const paths: Record<string, PathItem> = structuredClone(builtInPaths);
  for (const route of routeMap.routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase() as OperationMethod]: operationFor(route, routeMap.processes) };
  }
  for (const entry of routeMap.passthrough) {
    const path = passthroughPath(entry);
    paths[path] = { ...paths[path], [entry.method.toLowerCase() as OperationMethod]: passthroughOperation(entry) };
  }
  const tags = [...new Set(Object.values(paths).flatMap((item) => Object.values(item).flatMap((operation) => operation.tags)))];
  return {
    openapi: '3.1.0',
    info: { title: options.title ?? 'Clerk–Camunda proxy', version: options.version ?? '1.0.0', description },
    ...(options.serverUrl && { servers: [{ url: options.serverUrl }] }),
    security: [{ bearerAuth: [] }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Clerk session token (useAuth().getToken() in the browser)' },
      },
      schemas: structuredClone(schemas),
      responses: errorResponses(),
    },
  };
}
