import { knownTypes } from '../engine/variables.js';
import { errorStatuses } from '../http/errors.js';
import { completeTaskBodySchema, reservedVariableNames, startProcessBodySchema } from '../intercepts/variableBody.js';
import type { JsonSchema } from './types.js';

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string): JsonSchema => ({ type: [type, 'null'] });
const text = { type: 'string' };

const errorCodes = Object.keys(errorStatuses);

/** The envelope every error is; `error` narrowed to the codes a response can carry. */
export function errorEnvelope(codes: readonly string[]): JsonSchema {
  return {
    type: 'object',
    description: 'Every error the proxy answers. `error` is stable to switch on; `detail` is for humans.',
    required: ['error', 'detail', 'timestamp', 'requestId'],
    properties: {
      error: { enum: codes },
      detail: text,
      timestamp: { type: 'string', format: 'date-time' },
      requestId: { type: 'string', description: 'Also in the X-Request-Id header; quote it when reporting a problem.' },
      type: { type: 'string', description: "On /engine-rest only: Camunda's error type (e.g. AuthorizationException), for Camunda clients" },
      message: { type: 'string', description: 'On /engine-rest only: the same as `detail`, under the name Camunda clients read' },
    },
  };
}

/** What /health and /ready answer: the same engine probe, their own `status` words. */
function probeAnswer(states: readonly string[], description: string): JsonSchema {
  return {
    type: 'object',
    required: ['status', 'timestamp', 'engine', 'engine_reachable', 'engine_url'],
    properties: {
      status: { enum: states, description },
      timestamp: { type: 'string', format: 'date-time' },
      engine: {
        type: 'object',
        required: ['reachable', 'version'],
        properties: { reachable: { type: 'boolean' }, version: nullable('string') },
      },
      engine_reachable: { type: 'boolean', description: 'The same as `engine.reachable`, for health checks written for the earlier proxy' },
      engine_url: { const: '/engine-rest', description: "Where clients reach the engine through this proxy, for health checks written for the earlier proxy; never the engine's own address" },
    },
  };
}

/** The intercepts' own body schemas, with what each variable may be spelled out for readers. */
function withDocumentedVariables<Body extends { properties: { variables: object } }>(body: Body, description: string): JsonSchema {
  return {
    ...body,
    description,
    properties: {
      ...body.properties,
      variables: {
        ...body.properties.variables,
        description: `Process variables by name. Proxy-owned names are left out (the proxy sets them): ${reservedVariableNames.join(', ')}.`,
        additionalProperties: ref('VariableInput'),
      },
    },
  };
}

export const schemas: Record<string, JsonSchema> = {
  ErrorEnvelope: errorEnvelope(errorCodes),
  TypedVariableInput: {
    type: 'object',
    description: 'A variable with an explicit engine type. Dates must be ISO-8601 with a zone; Json/Xml/Object values are stringified.',
    required: ['type'],
    additionalProperties: false,
    properties: {
      value: {},
      type: { enum: [...knownTypes] },
      valueInfo: { type: 'object' },
    },
  },
  VariableInput: {
    description: 'A plain JSON value, typed by the proxy (string, boolean, Integer/Long/Double, Null, Json), or `{value, type}`.',
    anyOf: [ref('TypedVariableInput'), { description: 'Any plain JSON value' }],
  },
  StartProcessBody: withDocumentedVariables(startProcessBodySchema, 'Starts an instance; the proxy adds initiator, initiatorEmail and initiatorName.'),
  CompleteTaskBody: withDocumentedVariables(completeTaskBodySchema, 'Completes a task; the proxy adds completedBy, completedByEmail and completedByName.'),
  ClaimBody: {
    type: 'object',
    description: 'Optional. A task is always claimed for the caller.',
    properties: { userId: { type: 'string', description: "Only the caller's own id; anyone else's is 403." } },
  },
  DeleteInstanceBody: {
    type: 'object',
    description: 'Optional. The reason is reported in the answer; engine-rest keeps none for a single delete.',
    additionalProperties: false,
    properties: { reason: { type: 'string', maxLength: 4000 } },
  },
  Statistics: {
    type: 'object',
    description: 'Counts over what the caller may see: administrators everything; others the instances they started and the tasks assigned to them or offered to them.',
    required: ['totalProcesses', 'activeInstances', 'completedInstances', 'activeTasks'],
    properties: {
      totalProcesses: { type: 'integer', description: 'Latest versions of process definitions' },
      activeInstances: { type: 'integer', description: 'Running, not suspended' },
      completedInstances: { type: 'integer', description: 'Ended by reaching an end event' },
      activeTasks: { type: 'integer', description: 'Open, not suspended' },
    },
  },
  AuditRecord: {
    type: 'object',
    description: 'One action (any call but GET, HEAD, OPTIONS on /api and /engine-rest), done, refused, failed or abandoned. Never a token; variable values only with AUDIT_VARIABLES=values.',
    required: ['id', 'time', 'requestId', 'userId', 'orgId', 'machineId', 'routeId', 'method', 'path', 'status', 'outcome', 'objects'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      time: { type: 'string', format: 'date-time' },
      requestId: { type: 'string' },
      userId: nullable('string'),
      orgId: nullable('string'),
      machineId: nullable('string'),
      routeId: { ...nullable('string'), description: 'The route map or passthrough rule id; null when refused before a route was found (401, 429)' },
      method: { type: 'string' },
      path: { type: 'string', description: 'Without the query string' },
      status: { type: 'integer', description: '499 when the client went away before the answer' },
      outcome: { enum: ['done', 'refused', 'failed', 'abandoned'] },
      objects: { type: 'object', additionalProperties: { type: 'string' }, description: '`taskId`, `processInstanceId`, `processDefinitionKey`, `deploymentId`, `externalTaskId`, …' },
      variables: { oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'object' }], description: 'Names (AUDIT_VARIABLES=names, the default) or names and values' },
    },
  },
  VariableValue: {
    type: 'object',
    description: 'A variable as the engine answers it. Json values arrive as their JSON string.',
    properties: { value: {}, type: text, valueInfo: { type: 'object' } },
  },
  VariableMap: { type: 'object', additionalProperties: ref('VariableValue') },
  ProcessDefinition: {
    type: 'object',
    properties: {
      id: text,
      key: text,
      name: nullable('string'),
      version: { type: 'integer' },
      category: nullable('string'),
      description: nullable('string'),
      resource: nullable('string'),
      deploymentId: text,
      diagram: nullable('string'),
      suspended: { type: 'boolean' },
      tenantId: nullable('string'),
      versionTag: nullable('string'),
      historyTimeToLive: nullable('integer'),
      startableInTasklist: { type: 'boolean' },
    },
  },
  ProcessInstance: {
    type: 'object',
    properties: {
      id: text,
      definitionId: text,
      businessKey: nullable('string'),
      caseInstanceId: nullable('string'),
      ended: { type: 'boolean' },
      suspended: { type: 'boolean' },
      tenantId: nullable('string'),
      variables: { ...ref('VariableMap'), description: 'Only with withVariablesInReturn' },
    },
  },
  Task: {
    type: 'object',
    properties: {
      id: text,
      name: nullable('string'),
      assignee: nullable('string'),
      owner: nullable('string'),
      created: text,
      due: nullable('string'),
      followUp: nullable('string'),
      description: nullable('string'),
      priority: { type: 'integer' },
      processDefinitionId: nullable('string'),
      processInstanceId: nullable('string'),
      executionId: nullable('string'),
      taskDefinitionKey: nullable('string'),
      formKey: nullable('string'),
      suspended: { type: 'boolean' },
      tenantId: nullable('string'),
    },
  },
  Principal: {
    type: 'object',
    description: 'The caller, from the verified Clerk session.',
    required: ['id', 'email', 'name', 'orgId', 'orgRole', 'orgPermissions'],
    properties: {
      id: { type: 'string', description: 'The session `sub`' },
      email: { type: 'string', description: 'Empty when the session carries none and no Backend API look-up is configured' },
      name: text,
      orgId: nullable('string'),
      orgRole: { ...nullable('string'), description: 'e.g. org:admin' },
      orgPermissions: { type: 'array', items: text },
    },
  },
  Deployment: {
    type: 'object',
    description: "The engine's deployment, without its `links`.",
    required: ['id', 'name', 'tenantId', 'deploymentTime'],
    properties: {
      id: { type: 'string' },
      name: nullable('string'),
      source: nullable('string'),
      tenantId: { ...nullable('string'), description: 'The organisation it was deployed for; null for a shared deployment' },
      deploymentTime: { type: 'string' },
      deployedProcessDefinitions: { ...nullable('object'), additionalProperties: ref('ProcessDefinition') },
      deployedDecisionDefinitions: nullable('object'),
      deployedDecisionRequirementsDefinitions: nullable('object'),
      deployedCaseDefinitions: nullable('object'),
    },
  },
  Health: probeAnswer(['healthy', 'degraded'], '`degraded` while the engine does not answer; the proxy still serves'),
  Readiness: probeAnswer(['ready', 'unavailable', 'draining'], '`unavailable` (with 503) while the engine does not answer; `draining` (with 503) once the process was told to stop'),
};
