import type { Answer } from './answer.js';

/** 200 `{id, processInstanceId, completedBy}`, plus the process `variables` when `withVariablesInReturn` asked for them. */
export const taskCompleted: Answer = {
  // It reports the `:id` of the task or instance it acted on.
  param: 'id',
  description: 'Completed: the task, its instance and who completed it; `variables` with withVariablesInReturn',
  schema: {
    type: 'object',
    required: ['id', 'processInstanceId', 'completedBy'],
    properties: {
      id: { type: 'string' },
      processInstanceId: { type: ['string', 'null'] },
      completedBy: { type: 'string' },
      variables: { $ref: '#/components/schemas/VariableMap' },
    },
  },
  shape({ params, principal, facts, sent, engineAnswer }) {
    return {
      status: 200,
      body: {
        id: params.id,
        processInstanceId: facts.processInstanceId ?? null,
        completedBy: principal.id,
        ...(sent?.withVariablesInReturn === true && { variables: engineAnswer ?? {} }),
      },
    };
  },
};
