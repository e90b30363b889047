import type { Policy } from '../policy.js';
import { instance } from './instance.js';
import { instanceHistory } from './instanceHistory.js';
import { instanceInitiator } from './instanceInitiator.js';
import { instanceList } from './instanceList.js';
import { processDefinition } from './processDefinition.js';
import { processList } from './processList.js';
import { processStart } from './processStart.js';
import { task } from './task.js';
import { taskClaim } from './taskClaim.js';
import { taskComplete } from './taskComplete.js';
import { taskList } from './taskList.js';
import { taskUnclaim } from './taskUnclaim.js';

/** The names routes.config.json may use in `policy`. */
export const policies: Readonly<Record<string, Policy>> = Object.freeze({
  task, taskComplete, taskClaim, taskUnclaim, taskList,
  instance, instanceList, instanceInitiator, instanceHistory,
  processStart, processList, processDefinition,
});
