import type { TaskHooks } from './task-hooks';
import type { TaskOptions } from './task-options';

/** A function that runs a task's body; its arguments arrive from JSON. */
export type TaskHandler = (...args: never[]) => unknown;

/** A task as an executor runs it: its name, body, options and the hooks of its class. */
export interface TaskDefinition {
  readonly name: string;
  /** The body, bound to its instance. */
  readonly handler: TaskHandler;
  /** Options with the registry's defaults applied. */
  readonly options: Readonly<TaskOptions> & { readonly queue: string; readonly maxRetries: number };
  /** The object whose hooks apply (the provider instance), if any. */
  readonly hooks?: TaskHooks;
  /** Where the task was defined, e.g. `EmailTasks#send`, for error messages. */
  readonly source: string;
}
