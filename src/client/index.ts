export { createCamundaClient, type CamundaClient } from './camundaClient.js';
export { CamundaProxyError, proxyErrorCodes, type ClientErrorCode, type ErrorEnvelope, type ProxyErrorCode } from './camundaProxyError.js';
export { camundaRoutes, type CamundaMethodName, type ClientRoute, type HttpMethod } from './camundaRoutes.js';
export type { CamundaClientOptions } from './routeCaller.js';
export {
  engineVariableTypes,
  type EngineVariableType,
  type Deployment,
  type DeploymentFile,
  type InstanceQuery,
  type ListQuery,
  type Principal,
  type ProcessDefinition,
  type ProcessInstance,
  type Task,
  type TaskQuery,
  type TypedVariableInput,
  type VariableInput,
  type VariableInputs,
  type VariableMap,
  type VariableValue,
} from './types.js';
