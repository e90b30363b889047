import { badRequest } from '../http/errors.js';
import { isProxyOwned } from '../intercepts/variableBody.js';

// Where engine-rest bodies name variables: external-task complete/failure/bpmnError, message
// correlation, task complete and the like.
const variableMaps = ['variables', 'localVariables', 'processVariables', 'processVariablesLocal'];

/**
 * A passthrough JSON body (a worker's complete, failure or bpmnError, or any route the map opens)
 * may not set the names the proxy owns: `initiator*` and `completedBy*` record who acted, and
 * `initiatorOrgId` decides which organisation sees an instance (INSTANCE_ORG=stamp), so a worker
 * pinned to one organisation that wrote another's id would hand its instance to that organisation.
 * The body was read (strictly, see jsonOf) only to look; it is forwarded byte for byte.
 */
export function refuseProxyOwnedVariables(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const named: string[] = [];
  for (const map of variableMaps) {
    const variables = (body as Record<string, unknown>)[map];
    if (typeof variables !== 'object' || variables === null) continue;
    for (const name of Object.keys(variables)) if (isProxyOwned(name)) named.push(name);
  }
  if (named.length > 0) throw badRequest(`variables set by the proxy only: ${[...new Set(named)].join(', ')}`);
}
