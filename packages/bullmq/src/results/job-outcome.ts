import { TaskFailedError, TaskRevokedError, TaskState, WorkerLostError, type JsonValue } from '@tasks/core';
import type { Job, JobState } from 'bullmq';
import { readErrorName } from '../message/error-record';

/** BullMQ's reason for a job that stalled more often than `maxStalledCount` allows. */
export const STALLED_REASON = 'job stalled more than allowable limit';

export type JobOutcome =
  | { state: typeof TaskState.SUCCESS; result: JsonValue }
  | { state: typeof TaskState.FAILURE | typeof TaskState.REVOKED; error: Error }
  | { state: typeof TaskState.PENDING | typeof TaskState.STARTED | typeof TaskState.RETRY };

/** Maps a BullMQ job and its state onto a task state, result or error. */
export function jobOutcome(job: Job, state: JobState | 'unknown'): JobOutcome {
  switch (state) {
    case 'completed':
      return { state: TaskState.SUCCESS, result: (job.returnvalue ?? null) as JsonValue };
    case 'failed': {
      const error = failedJobError(job);
      return { state: error instanceof TaskRevokedError ? TaskState.REVOKED : TaskState.FAILURE, error };
    }
    case 'active':
      return { state: TaskState.STARTED };
    case 'delayed':
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
      return { state: job.attemptsMade > 0 ? TaskState.RETRY : TaskState.PENDING };
    default:
      return { state: TaskState.PENDING };
  }
}

/** The error a failed job ended with, as its task threw it (name and message). */
export function failedJobError(job: Job): Error {
  const taskId = String(job.id);
  const message = job.failedReason ?? 'unknown failure';
  if (message === STALLED_REASON) return new WorkerLostError(job.name, taskId);
  const stack = job.stacktrace?.[job.stacktrace.length - 1];
  const name = readErrorName(stack ?? undefined, message) ?? 'Error';
  if (name === 'TaskRevokedError') return new TaskRevokedError(taskId, revokeReason(message));
  return new TaskFailedError(name, message, { taskId, taskName: job.name, remoteStack: stack ?? undefined });
}

function revokeReason(message: string): string {
  return /was revoked \(([^)]*)\)/.exec(message)?.[1] ?? 'revoked';
}
