import type { Intercept } from './intercept.js';
import { orgStampFor, startProcessBodySchema, stampsFor, variableBodyParser } from './variableBody.js';

const parse = variableBodyParser(startProcessBodySchema);

/** POST /process-definition/key/:key/start with typed variables, the initiator and their organisation stamped. */
export const startProcess: Intercept = {
  readsBody: true,
  requestBody: {
    required: true,
    schema: { $ref: '#/components/schemas/StartProcessBody' },
    example: { variables: { customerName: 'ACME', amount: 1000, items: [{ sku: 'a-1' }], due: { value: '2026-01-02T03:04:05Z', type: 'Date' } }, businessKey: 'order-12345' },
  },
  successAnswers: {
    201: { description: 'Started (the engine says 200; the proxy answers 201). `variables` only with withVariablesInReturn', schema: { $ref: '#/components/schemas/ProcessInstance' } },
  },
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
