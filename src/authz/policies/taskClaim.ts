import { badRequest, forbidden } from '../../http/errors.js';
import { seesEverything } from '../boundary.js';
import type { Policy } from '../policy.js';
import { taskAccessFor } from './taskAccess.js';

/** Claim is for yourself only, and only a task you could work on. */
export const taskClaim: Policy = {
  param: 'id',
  note: 'for yourself only (another `userId` is 403), and only a task you could work on',
  forbids: true,
  readsBody: true,
  requestBody: { required: false, schema: { $ref: '#/components/schemas/ClaimBody' } },
  async apply(context) {
    const { engine, principal, params, body } = context;
    const requested = claimedFor(body);
    if (requested !== undefined && requested !== principal.id) throw forbidden('a task can only be claimed for yourself');
    if (!seesEverything(principal)) await taskAccessFor(engine, principal, params.id!);
    context.call = { ...context.call, body: JSON.stringify({ userId: principal.id }) };
  },
};

/**
 * The optional body is a JSON object; its `userId`, if any, a string (other fields are ignored, as
 * forms send what they have). `true`, an array or a string is a mistake, not a claim.
 */
function claimedFor(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('claim body must be a JSON object');
  const { userId } = body as { userId?: unknown };
  if (userId !== undefined && typeof userId !== 'string') throw badRequest("invalid request body: 'userId' must be a string");
  return userId;
}
