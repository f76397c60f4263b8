import { TasksError } from './tasks.error';

/**
 * What `AsyncResult.get()` rejects with when the task failed. Its `name` and
 * `message` are the task's own error's, so callers can test `err.name === 'SmtpError'`
 * as if it had been thrown locally; it is still `instanceof TaskFailedError`.
 *
 * @example
 * try { await result.get(); }
 * catch (error) { if (error instanceof TaskFailedError && error.name === 'SmtpError') retryLater(); }
 */
export class TaskFailedError extends TasksError {
  readonly taskId: string;
  readonly taskName: string | undefined;
  /** Name of the error the task threw; same as `name`, kept for clarity. */
  readonly remoteName: string;
  /** Stack of the error where the task ran, when it was recorded. */
  readonly remoteStack: string | undefined;

  constructor(remoteName: string, message: string, details: { taskId: string; taskName?: string; remoteStack?: string }) {
    super(message);
    this.name = remoteName;
    this.remoteName = remoteName;
    this.taskId = details.taskId;
    this.taskName = details.taskName;
    this.remoteStack = details.remoteStack;
  }
}
