import { TasksError } from './tasks.error';

/** A worker received (or a caller asked for) a task name that nothing registered here. */
export class UnknownTaskError extends TasksError {
  /** The name that matched no task. */
  readonly taskName: string;
  /** Id of the task message, when there was one. */
  readonly taskId: string | undefined;

  constructor(taskName: string, taskId?: string) {
    const id = taskId === undefined ? '' : ` (task ${taskId})`;
    super(
      `No task named "${taskName}" is registered in this worker${id}. Check the name, and that the ` +
        `worker's module provides the class whose method carries @Task().`,
    );
    this.taskName = taskName;
    this.taskId = taskId;
  }
}
