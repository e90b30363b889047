import type { Intercept } from './intercept.js';
import { completeTaskBodySchema, stampsFor, variableBodyParser } from './variableBody.js';

const parse = variableBodyParser(completeTaskBodySchema);

/**
 * POST /task/:id/complete with typed variables and `completedBy*` stamped: every engine call is
 * made as the service user, so the engine's own history cannot say who completed the task.
 */
export const completeTask: Intercept = {
  readsBody: true,
  requestBody: { required: true, schema: { $ref: '#/components/schemas/CompleteTaskBody' }, example: { variables: { approved: true, comment: 'fine' } } },
  successAnswers: {
    200: { description: 'Completed, with the process variables (withVariablesInReturn: true)', schema: { $ref: '#/components/schemas/VariableMap' } },
    204: { description: 'Completed' },
  },
  successStatus: (engineStatus) => engineStatus,
  async engineBody(body, principal) {
    const { body: valid, variables, dropped } = parse(body);
    const engineBody = {
      variables: { ...variables, ...stampsFor('completedBy', await principal()) },
      ...(valid.withVariablesInReturn !== undefined && { withVariablesInReturn: valid.withVariablesInReturn }),
    };
    return { engineBody, dropped };
  },
};
