import { isProxyOwned } from '../intercepts/variableBody.js';
import type { Answer } from './answer.js';

/**
 * Camunda's form-variables answer holds every process variable when a task has no form fields,
 * the proxy's `initiator*`/`completedBy*` stamps included; forms render each entry as a field and
 * send it back. Those are not form fields, so they are left out (the variables route keeps them).
 */
export const formVariables: Answer = {
  description: 'The form variables, without the proxy-owned names',
  schema: { $ref: '#/components/schemas/VariableMap' },
  shape({ engineStatus, engineAnswer }) {
    const variables = engineAnswer && typeof engineAnswer === 'object' && !Array.isArray(engineAnswer) ? engineAnswer : {};
    return { status: engineStatus, body: Object.fromEntries(Object.entries(variables).filter(([name]) => !isProxyOwned(name))) };
  },
};
