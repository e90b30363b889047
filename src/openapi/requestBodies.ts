import type { InterceptName, RouteDefinition } from '../config/routeMap.js';
import { bodyKindOf } from '../routes/requestBody.js';
import { ref } from './schemas.js';
import type { Operation } from './types.js';

type RequestBody = NonNullable<Operation['requestBody']>;

const jsonBody = (required: boolean, schema: Record<string, unknown>, example?: unknown): RequestBody => ({
  required,
  content: { 'application/json': { schema, ...(example !== undefined && { example }) } },
});

const dueDate = { value: '2026-01-02T03:04:05Z', type: 'Date' };

const byIntercept: Readonly<Record<InterceptName, RequestBody>> = {
  startProcess: jsonBody(true, ref('StartProcessBody'), { variables: { customerName: 'ACME', amount: 1000, items: [{ sku: 'a-1' }], due: dueDate }, businessKey: 'order-12345' }),
  completeTask: jsonBody(true, ref('CompleteTaskBody'), { variables: { approved: true, comment: 'fine' } }),
  deleteInstance: jsonBody(false, ref('DeleteInstanceBody'), { reason: 'ordered twice' }),
};

/** The bodies the proxy reads itself; any other body is passed to the engine as is. */
export function requestBodyFor(route: RouteDefinition): RequestBody | undefined {
  if (route.intercept) return byIntercept[route.intercept];
  // The route sends its own fixed body; a client's JSON body is read and ignored.
  if (route.engineBody) return undefined;
  if (route.policy === 'taskClaim') return jsonBody(false, ref('ClaimBody'));
  if (bodyKindOf(route) === 'none') return undefined;
  return { ...jsonBody(false, {}), description: 'Passed to the engine as is' };
}

export const readsBody = (route: RouteDefinition): boolean => bodyKindOf(route) !== 'none';
