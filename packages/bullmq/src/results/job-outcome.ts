import { TaskFailedError, TaskRevokedError, TaskState, WorkerLostError, type JsonValue } from '@tasks/core';
import type { JobState } from 'bullmq';
import type { RedisClient as Redis } from '../connection/redis-client';
import { readErrorName } from '../message/error-record';
import { STALLED_REASON } from '../message/protocol';

export type JobOutcome =
  | { state: typeof TaskState.SUCCESS; result: JsonValue }
  | { state: typeof TaskState.FAILURE | typeof TaskState.REVOKED; error: Error }
  | { state: typeof TaskState.PENDING | typeof TaskState.STARTED | typeof TaskState.RETRY };

/** The fields of a BullMQ job hash that tell how a task ended. */
export interface JobRecord {
  id: string;
  name: string;
  attemptsMade: number;
  returnvalue: string | null;
  failedReason: string | null;
  stacktrace: string | null;
}

/**
 * Reads the fields of a job that results need, without decoding its data (which
 * may be what made it fail) the way BullMQ's `getJob` does.
 */
export async function readJobRecord(redis: Redis, jobKey: string, id: string): Promise<JobRecord | undefined> {
  const [name, attemptsMade, returnvalue, failedReason, stacktrace] = await redis.hmget(jobKey, 'name', 'atm', 'returnvalue', 'failedReason', 'stacktrace');
  if (name === null) return undefined;
  return { id, name, attemptsMade: Number(attemptsMade ?? 0), returnvalue, failedReason, stacktrace };
}

/** Maps a BullMQ job and its state onto a task state, result or error. */
export function jobOutcome(job: JobRecord, state: JobState | 'unknown'): JobOutcome {
  switch (state) {
    case 'completed':
      return { state: TaskState.SUCCESS, result: job.returnvalue === null ? null : (JSON.parse(job.returnvalue) as JsonValue) };
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
function failedJobError(job: JobRecord): Error {
  const message = job.failedReason ?? 'unknown failure';
  if (message === STALLED_REASON) return new WorkerLostError(job.name, job.id);
  const stacks = parseStacktrace(job.stacktrace);
  const stack = stacks[stacks.length - 1];
  const name = readErrorName(stack, message) ?? 'Error';
  if (name === 'TaskRevokedError') return new TaskRevokedError(job.id, revokeReason(message));
  return new TaskFailedError(name, message, { taskId: job.id, taskName: job.name, remoteStack: stack });
}

function parseStacktrace(raw: string | null): string[] {
  try {
    const parsed: unknown = JSON.parse(raw ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

function revokeReason(message: string): string {
  return /was revoked \(([^)]*)\)/.exec(message)?.[1] ?? 'revoked';
}
