import { fillPathTemplate } from '@clerk-camunda-proxy/client/contract';

/** Express `:param` to OpenAPI `{param}`. */
export const openApiPath = (path: string): string => fillPathTemplate(path, (name) => `{${name}}`);
