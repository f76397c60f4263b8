import type { JobsOptions } from 'bullmq';
import { TASKS_BACKOFF } from '../message/protocol';
import type { ResultRetention } from '../options';

/**
 * BullMQ options every task job gets, whether published by a call or written by a job
 * scheduler. `attempts` is the task's real budget (see `attemptBudget`), as dashboards show it.
 */
export function taskJobOptions(retention: Required<ResultRetention>, priority: number | undefined, attempts: number | undefined): JobsOptions {
  return {
    priority,
    attempts,
    backoff: { type: TASKS_BACKOFF },
    removeOnComplete: { age: retention.completedSeconds },
    removeOnFail: { age: retention.failedSeconds },
  };
}
