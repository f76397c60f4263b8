import type { Job } from 'bullmq';
import type { RedisClient as Redis } from '../connection/redis-client';
import type { TaskJobData } from '../message/task-message.codec';

/** The Redis key of a job's hash, as BullMQ names it (in its queue's prefix, which differs by queue when queues are sharded). */
function jobKey(job: Job): string {
  return `${job.queueQualifiedName}:${String(job.id)}`;
}

/**
 * Puts a job that must wait for its rate-limit slot back in BullMQ's delayed set,
 * marked as received for this attempt (so `task_received` does not fire again when
 * it is taken back) and without the traces of a start: it was never attempted, so
 * dashboards must not show it as started with an unknown run time.
 */
export async function parkJob(redis: Redis, job: Job, token: string | undefined, data: TaskJobData, parkMs: number): Promise<void> {
  const key = jobKey(job);
  const unstarted = redis.multi().hset(key, 'data', JSON.stringify({ ...data, receivedAttempt: job.attemptsMade })).hincrby(key, 'ats', -1);
  // A retry's earlier attempt keeps its start time; a first attempt has none.
  if (job.attemptsMade === 0) unstarted.hdel(key, 'processedOn', 'pb');
  await unstarted.exec();
  await job.moveToDelayed(Date.now() + parkMs, token);
}

/** Stores the headers the next attempt gets, when a `before_task_publish` receiver changed them for a retry. */
export async function storeRetryHeaders(redis: Redis, job: Job, data: TaskJobData, headers: TaskJobData['headers']): Promise<void> {
  const { receivedAttempt: _received, ...rest } = data;
  await redis.hset(jobKey(job), 'data', JSON.stringify({ ...rest, headers }));
}

