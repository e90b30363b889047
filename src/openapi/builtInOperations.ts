import { errorResponseRefs } from './errorResponses.js';
import { ref } from './schemas.js';
import type { PathItem } from './types.js';

/** Routes the app serves itself, outside the route map. */
export const builtInPaths: Record<string, PathItem> = {
  '/health': {
    get: {
      operationId: 'health',
      summary: 'Liveness, and whether the engine answers',
      description: 'No authentication. Always 200 while the proxy serves; `status` is `degraded` when the engine does not answer.',
      tags: ['health'],
      security: [],
      responses: { 200: { description: 'The proxy serves', content: { 'application/json': { schema: ref('Health') } } } },
    },
  },
  '/api/user': {
    get: {
      operationId: 'user.get',
      summary: 'The caller',
      description: 'The principal the proxy sees in the Clerk session; the engine is not called.',
      tags: ['user'],
      responses: {
        200: { description: 'The caller', content: { 'application/json': { schema: ref('Principal') } } },
        ...errorResponseRefs([401]),
      },
    },
  },
};
