import type { Answer } from './answer.js';

const schema = { type: 'object', required: ['id', 'assignee'], properties: { id: { type: 'string' }, assignee: { type: ['string', 'null'] } } };

/** 200 `{id, assignee}`: the caller, who claimed it (claim is for yourself only). */
export const taskClaimed: Answer = {
  // It reports the `:id` of the task or instance it acted on.
  param: 'id',
  description: 'Claimed: the task and its new assignee, the caller',
  schema,
  shape: ({ params, principal }) => ({ status: 200, body: { id: params.id, assignee: principal.id } }),
};

/** 200 `{id, assignee: null}`. */
export const taskUnclaimed: Answer = {
  // It reports the `:id` of the task or instance it acted on.
  param: 'id',
  description: 'Unclaimed: the task, now without an assignee',
  schema,
  shape: ({ params }) => ({ status: 200, body: { id: params.id, assignee: null } }),
};
