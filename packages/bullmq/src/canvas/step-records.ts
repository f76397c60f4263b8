import { ChordError, TaskFailedError, TaskRevokedError } from '@tasks/core';
import type { Queue } from 'bullmq';
import type { RedisClient as Redis } from '../connection/redis-client';
import { tasksKeys } from '../keys';
import type { TaskJobData } from '../message/task-message.codec';
import { canvasOf, type ErrorRecord, type StepRef } from './canvas-job';

/** Why a canvas task will never run: the error of the task that failed for good before it. */
export interface StepFailure {
  error: ErrorRecord;
  /** The task that failed. */
  taskId: string;
  /** Set when the failed task was a chord member: the tasks after the chord read a `ChordError` naming it. */
  chord?: boolean;
}

/** What a step record says of a task: where it will be published, and whether it never will be. */
export interface StepRecord {
  queue: string;
  name: string;
  failure?: StepFailure;
}

/** Events streams are capped, as BullMQ caps its own. */
const EVENTS_MAX_LENGTH = 10_000;

/** KEYS: one step record per task; ARGV: the TTL in seconds, then each task's queue and name. */
const WRITE_STEPS = `
local ttl = ARGV[1]
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 'queue', ARGV[2 * i], 'name', ARGV[2 * i + 1])
  redis.call('EXPIRE', key, ttl)
end
return #KEYS`;

/**
 * Records the canvas tasks of a plan, so that any process can find their queue before
 * they are published, and can tell a canvas task from a lone one (revoke keeps a canvas
 * job for the worker to refuse, so its chain or chord ends visibly).
 */
export function writeStepRecords(redis: Redis, prefix: string, steps: readonly StepRef[], ttlSeconds: number): Promise<unknown> {
  // One command for the whole canvas: a chord of 1,000 was 2,000 commands, each a client-side object and promise.
  // KEYS then ARGV in one array, which ioredis flattens: a spread of 10,000s of values would overflow the stack.
  const n = steps.length;
  const values = new Array<string>(3 * n + 1);
  values[n] = String(ttlSeconds);
  steps.forEach((step, i) => {
    values[i] = tasksKeys.step(prefix, step.id);
    values[n + 2 * i + 1] = step.queue;
    values[n + 2 * i + 2] = step.name;
  });
  return redis.eval(WRITE_STEPS, n, values);
}

export async function readStep(redis: Redis, prefix: string, taskId: string): Promise<StepRecord | undefined> {
  const [queue, name, failure] = await redis.hmget(tasksKeys.step(prefix, taskId), 'queue', 'name', 'failure');
  if (queue === null || name === null) return undefined;
  return failure === null ? { queue, name } : { queue, name, failure: JSON.parse(failure) as StepFailure };
}

/** Whether the job at `jobKey` is a canvas task whose job carries its canvas part (see `undescribed` in canvas-writer). */
export async function carriesCanvas(redis: Redis, jobKey: string): Promise<boolean> {
  const data = await redis.hget(jobKey, 'data');
  if (data === null) return false;
  try {
    return canvasOf(JSON.parse(data) as TaskJobData) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Marks tasks that will never run as failed with `failure`, and wakes whoever waits
 * for them: a `failed` event on each task's queue, as BullMQ writes for its own jobs.
 */
export async function doomSteps(
  redis: Redis,
  prefix: string,
  prefixOf: (queue: string) => string,
  steps: readonly StepRef[],
  failure: StepFailure,
  ttlSeconds: number,
): Promise<void> {
  const records = redis.pipeline();
  const json = JSON.stringify(failure);
  for (const step of steps) {
    const key = tasksKeys.step(prefix, step.id);
    records.hset(key, 'queue', step.queue, 'name', step.name, 'failure', json).expire(key, ttlSeconds);
  }
  await records.exec();
  // The records first, so a waiter woken by the event reads the failure. The events go apart:
  // with queues sharded over a cluster, each queue's stream is in a slot of its own.
  await Promise.all(
    steps.map((step) =>
      redis.xadd(`${prefixOf(step.queue)}:${step.queue}:events`, 'MAXLEN', '~', EVENTS_MAX_LENGTH, '*', 'event', 'failed', 'jobId', step.id, 'failedReason', failure.error.message),
    ),
  );
}

/** The error a doomed task reads with: the failed task's, or a `ChordError` naming it. */
export function stepError(failure: StepFailure): Error {
  const { name, message, stack } = failure.error;
  const error =
    name === 'TaskRevokedError'
      ? new TaskRevokedError(failure.taskId, 'revoked')
      : new TaskFailedError(name, message, { taskId: failure.taskId, remoteStack: typeof stack === 'string' ? stack : undefined });
  return failure.chord ? new ChordError(failure.taskId, error) : error;
}

/** Makes a delayed job due now (a revoked canvas task, so a worker refuses it at once); any other state is left alone. */
export async function promoteDelayed(queue: Queue, jobId: string): Promise<void> {
  const job = await queue.getJob(jobId).catch(() => undefined);
  if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
}
