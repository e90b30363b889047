import type { Intercept } from './intercept.js';
import { orgStampFor, startProcessBodySchema, stampsFor, variableBodyParser } from './variableBody.js';

const parse = variableBodyParser(startProcessBodySchema);

/** POST /process-definition/key/:key/start with typed variables, the initiator and their organisation stamped. */
export const startProcess: Intercept = {
  name: 'startProcess',
  // The engine answers 200 for a started instance; the resource was created, so the client gets 201.
  successStatus: (engineStatus) => (engineStatus === 200 ? 201 : engineStatus),
  async engineBody(body, principal) {
    const { body: valid, variables, dropped } = parse(body);
    const starter = await principal();
    const engineBody = {
      variables: { ...variables, ...stampsFor('initiator', starter), ...orgStampFor(starter) },
      ...(valid.businessKey !== undefined && { businessKey: valid.businessKey }),
      ...(valid.withVariablesInReturn !== undefined && { withVariablesInReturn: valid.withVariablesInReturn }),
    };
    return { engineBody, dropped };
  },
};
