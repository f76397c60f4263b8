import { afterTaskPublish, beforeTaskPublish, SCHEDULE_ID_HEADER, SCHEDULED_FOR_HEADER, type PublishOptions } from '@tasks/core';
import { tasksLogger, toError } from '@tasks/core/internal';
import type { Job, Queue } from 'bullmq';
import type { RedisClient as Redis } from '../connection/redis-client';
import type { TaskJobData } from '../message/task-message.codec';
import { recordLastRun } from './schedule-store';
import type { TickTemplateData } from './tick-template';

/** BullMQ names a tick's job `repeat:<scheduler id>:<due time in ms>`. */
const TICK_ID = /^repeat:(.+):(\d+)$/;

/**
 * Whether `taskId` is the pending tick of a live schedule on `queue`: the job BullMQ
 * wrote and whose taking writes the next tick. Removing it would stop the schedule.
 */
export async function isPendingTick(redis: Redis, queue: Queue, taskId: string): Promise<boolean> {
  const match = TICK_ID.exec(taskId);
  return match !== null && (await redis.zscore(queue.keys.repeat, match[1]!)) === match[2];
}

/**
 * Turns the job of a schedule's tick into the task message it stands for. BullMQ
 * wrote the job from the schedule's template, so here the tick gets what a
 * publisher would have given it: `scheduleId` and `scheduledFor` headers, its
 * publish time and expiry counted from when it was due, and, on its first attempt,
 * `before_task_publish` and `after_task_publish` fired as notices (the job is already
 * written: headers changed by those receivers are not sent). The due time is recorded
 * as the schedule's last run. Jobs that are not ticks are returned unchanged.
 */
export async function receiveTick(job: Job, data: TaskJobData, taskName: string, redis: Redis, prefix: string): Promise<TaskJobData> {
  const match = TICK_ID.exec(String(job.id));
  if (match === null) return data;
  const [, scheduleId, due] = match as unknown as [string, string, string];
  const scheduledFor = Number(due);
  const { expiresInMs, ...message } = data as TickTemplateData;
  const tick: TaskJobData = {
    ...message,
    headers: { ...message.headers, [SCHEDULE_ID_HEADER]: scheduleId, [SCHEDULED_FOR_HEADER]: new Date(scheduledFor).toISOString() },
    publishedAt: scheduledFor,
  };
  if (expiresInMs !== undefined) tick.expiresAt = scheduledFor + expiresInMs;
  if (job.attemptsMade === 0) {
    await announce(String(job.id), taskName, job, tick);
    await recordLastRun(redis, prefix, scheduleId, scheduledFor).catch((error: unknown) =>
      tasksLogger().warn(`Schedule '${scheduleId}': could not record its last run (${toError(error).message}).`),
    );
  }
  return tick;
}

async function announce(taskId: string, taskName: string, job: Job, tick: TaskJobData): Promise<void> {
  const options: PublishOptions = { queue: job.queueName, taskId, headers: { ...tick.headers } };
  if (job.opts.priority) options.priority = job.opts.priority;
  if (tick.expiresAt !== undefined) options.expiresMs = tick.expiresAt - tick.publishedAt;
  await beforeTaskPublish.send(taskName, { taskId, args: [...tick.args], headers: { ...tick.headers }, options });
  await afterTaskPublish.send(taskName, { taskId, args: tick.args, headers: tick.headers, queue: job.queueName });
}
