import type { Answer } from './answer.js';
import { formVariables } from './formVariables.js';
import { instanceDeleted, instanceSuspension } from './instanceChanged.js';
import { taskClaimed, taskUnclaimed } from './taskAssignment.js';
import { taskCompleted } from './taskCompleted.js';

/** The names routes.config.json may use in `answer`; a route without one passes the engine's answer through. */
export const answers: Readonly<Record<string, Answer>> = Object.freeze({
  formVariables, taskCompleted, taskClaimed, taskUnclaimed, instanceSuspension, instanceDeleted,
});
