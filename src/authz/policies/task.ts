import { seesEverything, taskVisibility } from '../boundary.js';
import type { Policy } from '../policy.js';
import { readsResource, readThroughQuery } from './resourceRead.js';
import { taskAccessFor } from './taskAccess.js';

/**
 * Read a task or its form: assignee, candidate or administrator, within the caller's organisation.
 * The task itself is one POST /task query for "this task, if the caller may see it"; its form is
 * that check, then the read.
 */
export const task: Policy = {
  param: 'id',
  note: 'the assignee, a candidate of an unassigned task, or an administrator; anyone else gets 404, as for a task that does not exist',
  async apply(context) {
    const { engine, principal, params } = context;
    if (seesEverything(principal)) return;
    const id = params.id!;
    if (readsResource(context, '/task', id)) {
      readThroughQuery(context, '/task', { ...taskVisibility(principal), taskId: id }, `task ${id} not found`);
      return;
    }
    await taskAccessFor(engine, principal, id);
  },
};
