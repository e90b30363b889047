import { Ajv2020 } from 'ajv/dist/2020.js';
import { badRequest } from '../http/errors.js';
import type { Intercept } from './intercept.js';

const validate = new Ajv2020({ strict: true }).compile<{ reason?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', maxLength: 4000 } },
});

/**
 * DELETE /process-instance/:id with an optional `{reason}`. engine-rest's single delete takes no
 * reason (only the asynchronous batch delete does), so the engine call carries no body; the reason
 * is checked and reported in the answer.
 */
export const deleteInstance: Intercept = {
  readsBody: true,
  requestBody: { required: false, schema: { $ref: '#/components/schemas/DeleteInstanceBody' }, example: { reason: 'ordered twice' } },
  successAnswers: { 204: { description: 'Deleted' } },
  successStatus: (engineStatus) => engineStatus,
  async engineBody(body) {
    const given = body ?? {};
    if (!validate(given)) {
      const [error] = validate.errors ?? [];
      const what = error?.keyword === 'additionalProperties' ? `unknown field '${(error.params as { additionalProperty: string }).additionalProperty}'` : error?.message;
      throw badRequest(`invalid request body: ${error?.instancePath ? `'${error.instancePath.slice(1)}'` : 'body'} ${what ?? 'is invalid'}`);
    }
    return { facts: given.reason === undefined ? {} : { reason: given.reason } };
  },
};
