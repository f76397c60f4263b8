import { TasksError } from '@tasks/core';

/**
 * `TaskClient` was used before `TasksModule` finished starting (a constructor is
 * too early), or after the app closed.
 */
export class TasksNotReadyError extends TasksError {
  /** The call that was refused, e.g. `'TaskClient.delay()'`. */
  readonly call: string;

  constructor(call: string, closed: boolean) {
    super(
      closed
        ? `${call} was called after the app closed; publish tasks while the app runs.`
        : `${call} was called before TasksModule started. Call it from onModuleInit() or later, ` +
            `not from a constructor, and make sure the app was initialised (app.init() or app.listen()).`,
    );
    this.call = call;
  }
}
