import { taskVisibility } from '../boundary.js';
import type { Policy } from '../policy.js';
import { narrowList } from './narrowedList.js';

/**
 * Non-administrators see the tasks assigned to them or that they are a candidate for; everyone only
 * within their organisation. `orQueries` entries on POST /task, ANDed with the client's own
 * filters, so `?assignee=someone-else` finds nothing instead of someone else's tasks.
 */
export const taskList: Policy = {
  note: 'non-administrators see tasks assigned to them or unassigned tasks they are a candidate for, ANDed with their filters; `processVariables`/`taskVariables` filters are refused (400)',
  async apply(context) {
    narrowList(context, '/task', taskVisibility(context.principal));
  },
};
