import { TasksError } from './tasks.error';

/** A task asked to retry (or failed with a retryable error) after using all its retries. */
export class MaxRetriesExceededError extends TasksError {
  readonly taskName: string;
  readonly taskId: string;
  /** The limit that was reached. */
  readonly maxRetries: number;

  constructor(taskName: string, taskId: string, maxRetries: number) {
    super(
      `Task ${taskName}[${taskId}] can not retry: it already retried maxRetries (${maxRetries}) times. ` +
        `Raise maxRetries in @Task({ maxRetries }), or handle the final failure in onFailure / task_failure.`,
    );
    this.taskName = taskName;
    this.taskId = taskId;
    this.maxRetries = maxRetries;
  }
}
