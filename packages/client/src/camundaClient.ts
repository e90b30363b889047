import { camundaRoutes, type ClientRoute } from './camundaRoutes.js';
import { createRouteCaller, type CamundaClientOptions } from './routeCaller.js';
import type { InstanceQuery, Principal, ProcessDefinition, ProcessInstance, Task, TaskQuery, VariableInputs, VariableMap } from './types.js';

/** One method per proxy route. Every failure throws CamundaProxyError. */
export interface CamundaClient {
  getProcesses(): Promise<ProcessDefinition[]>;
  getProcess(key: string): Promise<ProcessDefinition>;
  getStartForm(key: string): Promise<VariableMap>;
  /** Answers the started instance (the proxy says 201). */
  startProcess(key: string, variables: VariableInputs, businessKey?: string): Promise<ProcessInstance>;
  getInstances(query?: InstanceQuery): Promise<ProcessInstance[]>;
  getInstance(id: string): Promise<ProcessInstance>;
  getInstanceVariables(id: string): Promise<VariableMap>;
  getTasks(query?: TaskQuery): Promise<Task[]>;
  getTask(id: string): Promise<Task>;
  getTaskForm(id: string): Promise<VariableMap>;
  /** Nothing (204), or the process variables when asked for them. */
  completeTask(id: string, variables: VariableInputs, options: { withVariablesInReturn: true }): Promise<VariableMap>;
  completeTask(id: string, variables: VariableInputs, options?: { withVariablesInReturn?: boolean }): Promise<VariableMap | undefined>;
  claimTask(id: string): Promise<void>;
  unclaimTask(id: string): Promise<void>;
  getUser(): Promise<Principal>;
}

// A method without its route entry does not compile; an entry without a method fails client.test.ts.
const routes: Readonly<Record<keyof CamundaClient, ClientRoute>> = camundaRoutes;

export function createCamundaClient(options: CamundaClientOptions): CamundaClient {
  const call = createRouteCaller(options);
  return {
    getProcesses: () => call(routes.getProcesses),
    getProcess: (key) => call(routes.getProcess, { params: { key } }),
    getStartForm: (key) => call(routes.getStartForm, { params: { key } }),
    startProcess: (key, variables, businessKey) =>
      call(routes.startProcess, { params: { key }, body: { variables, ...(businessKey !== undefined && { businessKey }) } }),
    getInstances: (query) => call(routes.getInstances, { query }),
    getInstance: (id) => call(routes.getInstance, { params: { id } }),
    getInstanceVariables: (id) => call(routes.getInstanceVariables, { params: { id } }),
    getTasks: (query) => call(routes.getTasks, { query }),
    getTask: (id) => call(routes.getTask, { params: { id } }),
    getTaskForm: (id) => call(routes.getTaskForm, { params: { id } }),
    completeTask: (id: string, variables: VariableInputs, options?: { withVariablesInReturn?: boolean }) =>
      call<VariableMap>(routes.completeTask, {
        params: { id },
        body: { variables, ...(options?.withVariablesInReturn !== undefined && { withVariablesInReturn: options.withVariablesInReturn }) },
      }),
    claimTask: (id) => call(routes.claimTask, { params: { id } }),
    unclaimTask: (id) => call(routes.unclaimTask, { params: { id } }),
    getUser: () => call(routes.getUser),
  };
}
