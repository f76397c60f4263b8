import { TasksError } from './tasks.error';

/**
 * Celery's `Retry`: thrown by `TaskContext.retry()` to end the current attempt and
 * ask for another. Let it propagate out of the task body; catching it cancels the retry.
 */
export class RetryError extends TasksError {
  /** Wait before the next attempt; `undefined` uses the task's `retryBackoff`. */
  readonly delayMs: number | undefined;
  /** The error that made the task retry, if any. */
  declare readonly cause?: Error;

  constructor(options: { delayMs?: number; cause?: Error } = {}) {
    const when = options.delayMs === undefined ? 'Retry requested' : `Retry in ${options.delayMs}ms`;
    const why = options.cause === undefined ? '' : `: ${options.cause.message}`;
    super(
      `${when}${why} (thrown by TaskContext.retry() to end this attempt; do not catch it in the task body)`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.delayMs = options.delayMs;
  }
}
