import type { TaskDefinition } from '@tasks/core';

/** Name of the backoff strategy the worker registers: the delay is decided by the retry policy. */
export const TASKS_BACKOFF = 'tasks';

/** Key of the stand-in data given to a job whose stored data or options are not JSON. */
export const UNDECODABLE = '__undecodable__';

/** Key of the stand-in data given to a job whose stored data is over `maxPayloadBytes`; its value is the size. */
export const OVERSIZED = '__oversized__';

/** BullMQ's reason for a job that stalled more often than `maxStalledCount` allows. */
export const STALLED_REASON = 'job stalled more than allowable limit';

/**
 * A job's `attempts`: the task's first attempt plus its `maxRetries`, so BullMQ and
 * dashboards show the real budget. `undefined` (BullMQ's 1) for a task not known
 * where it is published; the worker that takes it applies the task's budget in memory.
 */
export function attemptBudget(task: TaskDefinition | undefined): number | undefined {
  return task === undefined ? undefined : task.options.maxRetries + 1;
}
