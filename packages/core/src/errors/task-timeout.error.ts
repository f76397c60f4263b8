import { TasksError } from './tasks.error';

/**
 * `AsyncResult.get()` waited longer than its `timeoutMs`. The task itself is not
 * stopped and may still finish later.
 */
export class TaskTimeoutError extends TasksError {
  readonly taskId: string;
  /** How long `get()` waited. */
  readonly timeoutMs: number;

  /** @param message replaces the default message, when something more precise than a wait is known. */
  constructor(taskId: string, timeoutMs: number, message?: string) {
    super(
      message ??
        `Task ${taskId} did not finish within ${timeoutMs}ms; it may still be running. Call get() again ` +
          `with a larger timeoutMs, or check state() instead of waiting.`,
    );
    this.taskId = taskId;
    this.timeoutMs = timeoutMs;
  }
}
