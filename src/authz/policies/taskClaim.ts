import { forbidden } from '../../http/errors.js';
import { seesEverything } from '../boundary.js';
import type { Policy } from '../policy.js';
import { taskAccessFor } from './taskAccess.js';

/** Claim is for yourself only, and only a task you could work on. */
export const taskClaim: Policy = {
  name: 'taskClaim',
  readsBody: true,
  async apply(context) {
    const { engine, principal, params, body } = context;
    const requested = body && typeof body === 'object' ? (body as { userId?: unknown }).userId : undefined;
    if (requested !== undefined && requested !== principal.id) throw forbidden('a task can only be claimed for yourself');
    if (!seesEverything(principal)) await taskAccessFor(engine, principal, params.id!);
    context.call = { ...context.call, body: JSON.stringify({ userId: principal.id }) };
  },
};
