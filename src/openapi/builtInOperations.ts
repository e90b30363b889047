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
  '/ready': {
    get: {
      operationId: 'ready',
      summary: 'Readiness: 503 while the engine does not answer',
      description: 'No authentication. For load balancers; `/health` stays the liveness check.',
      tags: ['health'],
      security: [],
      responses: {
        200: { description: 'The engine answers', content: { 'application/json': { schema: ref('Readiness') } } },
        503: { description: 'The engine does not answer', content: { 'application/json': { schema: ref('Readiness') } } },
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      description: 'Open, unless METRICS_TOKEN is set: then `Authorization: Bearer <METRICS_TOKEN>` (not a Clerk token).',
      tags: ['health'],
      security: [],
      responses: {
        200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
        ...errorResponseRefs([401]),
      },
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
        ...errorResponseRefs([401, 429]),
      },
    },
  },
  '/api/statistics': {
    get: {
      operationId: 'statistics.get',
      summary: 'Counts for a dashboard, over what the caller may see',
      description:
        'Four engine counts made by the proxy itself, each with the criteria of the instance and task lists: administrators count everything, others the instances they started and the tasks assigned to them or offered to them. Never global counts for non-administrators.',
      tags: ['statistics'],
      responses: {
        200: { description: 'The counts', content: { 'application/json': { schema: ref('Statistics') } } },
        ...errorResponseRefs([401, 502, 504]),
      },
    },
  },
};
