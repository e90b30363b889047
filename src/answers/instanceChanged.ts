import type { Answer } from './answer.js';

/** 200 `{id, suspended}`, read from the `{"suspended": …}` body the route sends the engine. */
export const instanceSuspension: Answer = {
  // It reports the `:id` of the task or instance it acted on.
  param: 'id',
  problemWith: (route) => (typeof route.engineBody?.suspended === 'boolean' ? undefined : 'needs engineBody {"suspended": true|false}'),
  description: 'The instance and whether it is now suspended',
  schema: { type: 'object', required: ['id', 'suspended'], properties: { id: { type: 'string' }, suspended: { type: 'boolean' } } },
  shape: ({ params, sent }) => ({ status: 200, body: { id: params.id, suspended: sent?.suspended === true } }),
};

/** 200 `{id, deleted: true}`, with the caller's `reason` when they gave one. */
export const instanceDeleted: Answer = {
  // It reports the `:id` of the task or instance it acted on.
  param: 'id',
  description: 'Deleted: the instance, and the reason given',
  schema: {
    type: 'object',
    required: ['id', 'deleted'],
    properties: { id: { type: 'string' }, deleted: { const: true }, reason: { type: 'string' } },
  },
  shape: ({ params, facts }) => ({ status: 200, body: { id: params.id, deleted: true, ...(facts.reason !== undefined && { reason: facts.reason }) } }),
};
