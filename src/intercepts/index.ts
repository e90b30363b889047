import { completeTask } from './completeTask.js';
import { deleteInstance } from './deleteInstance.js';
import type { Intercept } from './intercept.js';
import { startProcess } from './startProcess.js';

/** The names routes.config.json may use in `intercept`. */
export const intercepts = Object.freeze({ startProcess, completeTask, deleteInstance } satisfies Record<string, Intercept>);

export type InterceptName = keyof typeof intercepts;
