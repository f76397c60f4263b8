import { TasksError } from './tasks.error';

/** `AsyncResult.get()` on a task that was revoked, expired or terminated: it has no result. */
export class TaskRevokedError extends TasksError {
  readonly taskId: string;
  /** Why it was revoked, e.g. `'revoked'`, `'expired'`, `'terminated'`. */
  readonly reason: string;

  constructor(taskId: string, reason: string) {
    super(`Task ${taskId} was revoked (${reason}) and will not produce a result; publish it again if it is still needed.`);
    this.taskId = taskId;
    this.reason = reason;
  }
}
