import { taskVisibility } from '../boundary.js';
import { guardedResource } from './resourceRead.js';
import { taskAccessFor } from './taskAccess.js';

/**
 * Read a task or its form: assignee, candidate or administrator, within the caller's organisation.
 * The task itself is one POST /task query for "this task, if the caller may see it"; its form is
 * that check, then the read.
 */
export const task = guardedResource({
  resource: '/task',
  note: 'the assignee, a candidate of an unassigned task, or an administrator; anyone else gets 404, as for a task that does not exist',
  criteria: (principal, id) => ({ ...taskVisibility(principal), taskId: id }),
  missing: (id) => `task ${id} not found`,
  check: taskAccessFor,
});
