import type { ScheduleTiming } from '../schedules/schedule-spec';

/** Any `Error` subclass, used to list the errors a task retries on. */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * How long to wait before the next attempt of a failed task.
 *
 * `fixed` waits `delayMs` every time; `exponential` waits `delayMs * 2^retries`.
 * Both are capped by `maxDelayMs` and, with `jitter`, spread at random between
 * half and the full delay so that many failing tasks do not retry in lockstep.
 */
export interface RetryBackoff {
  type: 'fixed' | 'exponential';
  delayMs: number;
  /** Upper bound on any single delay. Default: 10 minutes. */
  maxDelayMs?: number;
  /** Randomise each delay between 50% and 100% of its value. Default: false. */
  jitter?: boolean;
}

/**
 * A rate limit per task name: `'100/s'`, `'100/m'`, `'100/h'`, or `{ max, durationMs }`.
 */
export type RateLimit = `${number}/${'s' | 'm' | 'h'}` | { max: number; durationMs: number };

/** Options of a task, given to `@Task()` or to a registry. */
export interface TaskOptions {
  /** Unique task name. Default: `ClassName.methodName`. */
  name?: string;
  /** Queue the task is published to. Default: `'default'`. */
  queue?: string;
  /** How many times the task may be retried after its first attempt. Default: 0. */
  maxRetries?: number;
  /** Delay between retries. Default: fixed, 1 second. */
  retryBackoff?: RetryBackoff;
  /**
   * Errors that retry the task automatically. `[Error]` retries on anything.
   * Other errors fail the task at once, as in Celery.
   */
  autoretryFor?: readonly ErrorClass[];
  /** Abort the attempt after this many milliseconds. */
  timeLimitMs?: number;
  /** Maximum rate at which this task starts, across all workers. */
  rateLimit?: RateLimit;
  /**
   * Run this task periodically (Celery beat): `{ cron, tz?, args? }` or `{ every, args? }`.
   * The schedule's id is the task name. Checked at bootstrap; see `ScheduleTiming`.
   */
  schedule?: ScheduleTiming;
}
