export { createCamundaClient, type CamundaClient } from './camundaClient.js';
export { CamundaProxyError, type ClientErrorCode, type ErrorEnvelope } from './camundaProxyError.js';
export { camundaRoutes, type CamundaMethodName, type ClientRoute } from './camundaRoutes.js';
export { engineVariableTypes, errorStatuses, proxyErrorCodes, type EngineVariableType, type HttpMethod, type ProxyErrorCode } from './contract.js';
export type { CamundaClientOptions } from './routeCaller.js';
export type * from './types.js';
