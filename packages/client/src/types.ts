import type { EngineVariableType } from './contract.js';

/** A variable as the engine answers it; Json values arrive as their JSON string. */
export interface VariableValue {
  value: unknown;
  type: string;
  valueInfo?: Record<string, unknown>;
}
export type VariableMap = Record<string, VariableValue>;

/** `{value, type}` with an explicit engine type; dates as ISO-8601 with a zone. */
export interface TypedVariableInput {
  value?: unknown;
  type: EngineVariableType;
  valueInfo?: Record<string, unknown>;
}
/** A plain JSON value (the proxy picks the engine type) or a typed one. */
export type VariableInput = TypedVariableInput | string | number | boolean | null | object;
export type VariableInputs = Readonly<Record<string, VariableInput>>;

export interface ProcessDefinition {
  id: string;
  key: string;
  name: string | null;
  version: number;
  category?: string | null;
  description?: string | null;
  resource?: string | null;
  deploymentId?: string;
  suspended: boolean;
  tenantId: string | null;
  versionTag?: string | null;
  startableInTasklist?: boolean;
}

export interface ProcessInstance {
  id: string;
  definitionId: string;
  businessKey: string | null;
  ended: boolean;
  suspended: boolean;
  tenantId: string | null;
  caseInstanceId?: string | null;
  /** Only from startProcess with withVariablesInReturn. */
  variables?: VariableMap;
}

export interface Task {
  id: string;
  name: string | null;
  assignee: string | null;
  owner?: string | null;
  created: string;
  due?: string | null;
  followUp?: string | null;
  description?: string | null;
  priority: number;
  processDefinitionId: string | null;
  processInstanceId: string | null;
  executionId?: string | null;
  taskDefinitionKey: string | null;
  formKey?: string | null;
  suspended?: boolean;
  tenantId: string | null;
}

/** The caller, as GET /api/user describes them. */
export interface Principal {
  id: string;
  email: string;
  name: string;
  orgId: string | null;
  orgRole: string | null;
  orgPermissions: string[];
}

type QueryValue = string | number | boolean | undefined;

/** Any other engine-rest query parameter passes through the proxy untouched. */
export interface ListQuery {
  firstResult?: number;
  maxResults?: number;
  sortBy?: string;
  sortOrder?: 'asc' | 'desc';
  [parameter: string]: QueryValue;
}

export interface InstanceQuery extends ListQuery {
  processDefinitionKey?: string;
  businessKey?: string;
}

export interface TaskQuery extends ListQuery {
  assignee?: string;
  processInstanceId?: string;
  processDefinitionKey?: string;
}

/** POST /api/tasks/:id/complete answers 200 with this (`variables` only with withVariablesInReturn). */
export interface TaskCompletion {
  id: string;
  processInstanceId: string | null;
  completedBy: string;
  variables?: VariableMap;
}

/** Claim and unclaim answer the task's new assignee. */
export interface TaskAssignment {
  id: string;
  assignee: string | null;
}

export interface InstanceSuspension {
  id: string;
  suspended: boolean;
}

export interface InstanceDeletion {
  id: string;
  deleted: true;
  reason?: string;
}

/** GET /api/processes/:key/xml, for bpmn-js. */
export interface ProcessXml {
  id: string;
  bpmn20Xml: string;
}

/** One step of an instance's history (GET /api/history/activity-instances). */
export interface HistoricActivityInstance {
  id: string;
  activityId: string;
  activityName: string | null;
  activityType: string;
  processInstanceId: string;
  taskId: string | null;
  assignee: string | null;
  startTime: string;
  endTime: string | null;
  canceled: boolean;
}

/** The running instance's activity tree (GET /api/instances/:id/activity-instances). */
export interface ActivityInstance {
  id: string;
  activityId: string;
  activityName: string | null;
  activityType: string;
  childActivityInstances: ActivityInstance[];
  [field: string]: unknown;
}

/** GET /api/statistics: counts over what the caller may see. */
export interface Statistics {
  totalProcesses: number;
  activeInstances: number;
  completedInstances: number;
  activeTasks: number;
}

/** GET /api/audit filters: every given one applies; newest first, 50 a page (500 at most). */
export interface AuditQuery extends ListQuery {
  objectId?: string;
  userId?: string;
  /** ISO-8601 with an offset, inclusive / exclusive. */
  from?: string;
  to?: string;
  firstResult?: number;
  maxResults?: number;
}

/** One action: who, which organisation, which engine objects, and what came of it. */
export interface AuditRecord {
  id: string;
  time: string;
  requestId: string;
  userId: string | null;
  orgId: string | null;
  machineId: string | null;
  routeId: string | null;
  method: string;
  path: string;
  status: number;
  outcome: 'done' | 'refused' | 'failed' | 'abandoned';
  objects: Record<string, string>;
  variables?: string[] | Record<string, unknown>;
}

/** One file to deploy: a BPMN, DMN or form file, by its file name. */
export interface DeploymentFile {
  /** e.g. `invoice.bpmn`; the extension decides what the engine makes of it. */
  name: string;
  content: Blob | string;
}

/** A deployment as the proxy answers it; `tenantId` is the organisation it was deployed for (null: shared). */
export interface Deployment {
  id: string;
  name: string | null;
  source: string | null;
  tenantId: string | null;
  deploymentTime: string;
  deployedProcessDefinitions: Record<string, ProcessDefinition> | null;
  deployedDecisionDefinitions: Record<string, unknown> | null;
}
