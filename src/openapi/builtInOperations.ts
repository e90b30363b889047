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
        ...errorResponseRefs([401, 429, 503]),
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
        ...errorResponseRefs([401, 429, 502, 503, 504]),
      },
    },
  },
  '/api/audit': {
    get: {
      operationId: 'audit.list',
      summary: 'Who did what: the audit trail, newest first',
      description:
        "An organisation's administrators read their organisation's records; platform operators (and administrators with TENANCY=off) every record; anyone else gets 403. Served from PostgreSQL with AUDIT_DATABASE_URL, else from the most recent AUDIT_RECENT records of the process that answers.",
      tags: ['audit'],
      parameters: [
        { name: 'objectId', in: 'query', description: 'Records naming this task, instance, process key, deployment or external task', schema: { type: 'string' } },
        { name: 'userId', in: 'query', schema: { type: 'string' } },
        { name: 'from', in: 'query', description: 'ISO-8601 with an offset, inclusive', schema: { type: 'string', format: 'date-time' } },
        { name: 'to', in: 'query', description: 'ISO-8601 with an offset, exclusive', schema: { type: 'string', format: 'date-time' } },
        { name: 'firstResult', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
        { name: 'maxResults', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
      ],
      responses: {
        200: { description: 'The records', content: { 'application/json': { schema: { type: 'array', items: ref('AuditRecord') } } } },
        ...errorResponseRefs([400, 401, 403, 429, 503]),
      },
    },
  },
  '/api/deployments': {
    post: {
      operationId: 'deployments.create',
      summary: 'Deploy BPMN, DMN and form files for your organisation',
      description: [
        "Administrators of an organisation deploy for it: the engine's `tenant-id` is the caller's org id, whatever the upload names. Platform operators (PLATFORM_ADMINS) deploy shared definitions, which every organisation sees and may start. Anyone else gets 403.",
        'Send `multipart/form-data` with one part per file (`.bpmn`, `.dmn`, `.form`) and optionally `deployment-name`, `enable-duplicate-filtering`, `deploy-changed-only`. Anything else is 400; larger than DEPLOYMENT_LIMIT is 413.',
      ].join('\n\n'),
      tags: ['deployments'],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: {
                'deployment-name': { type: 'string' },
                'enable-duplicate-filtering': { type: 'boolean' },
                'deploy-changed-only': { type: 'boolean' },
              },
              additionalProperties: { type: 'string', format: 'binary', description: 'A BPMN, DMN or form file' },
            },
          },
        },
      },
      responses: {
        201: { description: 'Deployed', content: { 'application/json': { schema: ref('Deployment') } } },
        ...errorResponseRefs([400, 401, 403, 413, 415, 429, 502, 503, 504]),
      },
    },
  },
};
