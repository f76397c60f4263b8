import { TasksError } from './tasks.error';

/** An attempt ran longer than the task's `timeLimitMs` and was aborted. */
export class TimeLimitExceededError extends TasksError {
  readonly taskName: string;
  readonly taskId: string;
  /** The limit that was exceeded. */
  readonly limitMs: number;

  constructor(taskName: string, taskId: string, limitMs: number) {
    super(
      `Task ${taskName}[${taskId}] exceeded its time limit of ${limitMs}ms and was aborted. Make the body ` +
        `faster (and honour ctx.abortSignal), or raise timeLimitMs in @Task({ timeLimitMs }).`,
    );
    this.taskName = taskName;
    this.taskId = taskId;
    this.limitMs = limitMs;
  }
}
