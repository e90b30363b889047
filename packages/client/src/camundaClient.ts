import { camundaRoutes, type ClientRoute } from './camundaRoutes.js';
import { createRouteCaller, type CamundaClientOptions } from './routeCaller.js';
import type {
  ActivityInstance,
  AuditQuery,
  AuditRecord,
  Deployment,
  DeploymentFile,
  HistoricActivityInstance,
  InstanceDeletion,
  InstanceQuery,
  InstanceSuspension,
  ListQuery,
  Principal,
  ProcessDefinition,
  ProcessInstance,
  ProcessXml,
  Statistics,
  Task,
  TaskAssignment,
  TaskCompletion,
  TaskQuery,
  VariableInputs,
  VariableMap,
} from './types.js';

/** One method per proxy route. Every failure throws CamundaProxyError. */
export interface CamundaClient {
  getProcesses(): Promise<ProcessDefinition[]>;
  getProcess(key: string): Promise<ProcessDefinition>;
  getStartForm(key: string): Promise<VariableMap>;
  /** The latest version's BPMN 2.0 XML, for bpmn-js. */
  getProcessXml(key: string): Promise<ProcessXml>;
  /** Answers the started instance (the proxy says 201). */
  startProcess(key: string, variables: VariableInputs, businessKey?: string): Promise<ProcessInstance>;
  getInstances(query?: InstanceQuery): Promise<ProcessInstance[]>;
  getInstance(id: string): Promise<ProcessInstance>;
  getInstanceVariables(id: string): Promise<VariableMap>;
  getInstanceActivities(id: string): Promise<ActivityInstance>;
  suspendInstance(id: string): Promise<InstanceSuspension>;
  activateInstance(id: string): Promise<InstanceSuspension>;
  deleteInstance(id: string, reason?: string): Promise<InstanceDeletion>;
  /** The steps one instance ran (its initiator may read them after it ended too). */
  getActivityHistory(processInstanceId: string, query?: ListQuery): Promise<HistoricActivityInstance[]>;
  getTasks(query?: TaskQuery): Promise<Task[]>;
  getTask(id: string): Promise<Task>;
  getTaskForm(id: string): Promise<VariableMap>;
  /** Who completed it and the instance; with withVariablesInReturn also the process variables. */
  completeTask(id: string, variables: VariableInputs, options?: { withVariablesInReturn?: boolean }): Promise<TaskCompletion>;
  claimTask(id: string): Promise<TaskAssignment>;
  unclaimTask(id: string): Promise<TaskAssignment>;
  getUser(): Promise<Principal>;
  getStatistics(): Promise<Statistics>;
  /** The audit trail: an organisation's administrators read their organisation's records (others get 403). */
  getAuditTrail(query?: AuditQuery): Promise<AuditRecord[]>;
  /** Deploys for the caller's organisation (administrators only; the proxy says 201). */
  deploy(files: readonly DeploymentFile[], options?: { name?: string }): Promise<Deployment>;
}

// A method without its route entry does not compile; an entry without a method fails client.test.ts.
const routes: Readonly<Record<keyof CamundaClient, ClientRoute>> = camundaRoutes;

export function createCamundaClient(options: CamundaClientOptions): CamundaClient {
  const call = createRouteCaller(options);
  return {
    getProcesses: () => call(routes.getProcesses),
    getProcess: (key) => call(routes.getProcess, { params: { key } }),
    getStartForm: (key) => call(routes.getStartForm, { params: { key } }),
    getProcessXml: (key) => call(routes.getProcessXml, { params: { key } }),
    startProcess: (key, variables, businessKey) =>
      call(routes.startProcess, { params: { key }, body: { variables, ...(businessKey !== undefined && { businessKey }) } }),
    getInstances: (query) => call(routes.getInstances, { query }),
    getInstance: (id) => call(routes.getInstance, { params: { id } }),
    getInstanceVariables: (id) => call(routes.getInstanceVariables, { params: { id } }),
    getInstanceActivities: (id) => call(routes.getInstanceActivities, { params: { id } }),
    suspendInstance: (id) => call(routes.suspendInstance, { params: { id } }),
    activateInstance: (id) => call(routes.activateInstance, { params: { id } }),
    deleteInstance: (id, reason) => call(routes.deleteInstance, { params: { id }, ...(reason !== undefined && { body: { reason } }) }),
    getActivityHistory: (processInstanceId, query) => call(routes.getActivityHistory, { query: { ...query, processInstanceId } }),
    getTasks: (query) => call(routes.getTasks, { query }),
    getTask: (id) => call(routes.getTask, { params: { id } }),
    getTaskForm: (id) => call(routes.getTaskForm, { params: { id } }),
    completeTask: (id, variables, options) =>
      call<TaskCompletion>(routes.completeTask, {
        params: { id },
        body: { variables, ...(options?.withVariablesInReturn !== undefined && { withVariablesInReturn: options.withVariablesInReturn }) },
      }),
    claimTask: (id) => call(routes.claimTask, { params: { id } }),
    unclaimTask: (id) => call(routes.unclaimTask, { params: { id } }),
    getUser: () => call(routes.getUser),
    getStatistics: () => call(routes.getStatistics),
    getAuditTrail: (query) => call(routes.getAuditTrail, { query }),
    deploy: (files, options) => {
      const form = new FormData();
      if (options?.name !== undefined) form.set('deployment-name', options.name);
      for (const file of files) form.append(file.name, typeof file.content === 'string' ? new Blob([file.content]) : file.content, file.name);
      return call(routes.deploy, { body: form });
    },
  };
}
