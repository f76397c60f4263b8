import type { JobsOptions } from 'bullmq';
import { TASKS_BACKOFF } from '../message/protocol';
import type { ResultRetention } from '../options';

/** Attempts are counted against `maxRetries` by the worker, so BullMQ's own limit must never bind first. */
const UNBOUNDED_ATTEMPTS = 2 ** 31 - 1;

/** BullMQ options every task job gets, whether published by a call or written by a job scheduler. */
export function taskJobOptions(retention: Required<ResultRetention>, priority: number | undefined): JobsOptions {
  return {
    priority,
    attempts: UNBOUNDED_ATTEMPTS,
    backoff: { type: TASKS_BACKOFF },
    removeOnComplete: { age: retention.completedSeconds },
    removeOnFail: { age: retention.failedSeconds },
  };
}
