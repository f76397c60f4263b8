import { TasksError } from './tasks.error';

/** A job's data could not be decoded as a task message; the job is rejected (`task_rejected`). */
export class InvalidTaskMessageError extends TasksError {
  /** What is wrong with the data. */
  readonly reason: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    super(
      `Rejected a job that is not a valid task message: ${reason}. Publish tasks through TaskClient, ` +
        `and run publishers and workers with compatible versions of @tasks.`,
      options,
    );
    this.reason = reason;
  }
}
