import { completeTask } from './completeTask.js';
import { deleteInstance } from './deleteInstance.js';
import type { Intercept } from './intercept.js';
import { startProcess } from './startProcess.js';

/** The names routes.config.json may use in `intercept`. */
export const intercepts: Readonly<Record<string, Intercept>> = Object.freeze({ startProcess, completeTask, deleteInstance });
