import type { JsonValue, TaskRegistry, TaskRequest } from '@tasks/core';
import { tasksLogger, toError, type AttemptOptions } from '@tasks/core/internal';
import type { Job } from 'bullmq';
import { disconnectNow, type RedisClient as Redis } from '../connection/redis-client';
import { BULLMQ_DEFAULTS } from '../defaults';
import { QueueSet } from '../queues/queue-set';
import type { TaskTelemetry } from '../telemetry/task-telemetry';
import type { TaskJobData } from '../message/task-message.codec';
import { actsOnFailure, actsOnSuccess, canvasOf, doomedOf, errorRecord, joinedMembers } from './canvas-job';
import { CanvasWriter } from './canvas-writer';
import { doomSteps } from './step-records';

/**
 * The connection the worker takes its jobs on. The jobs a step publishes (the next step of a
 * chain, its links) are added on it, and `added` is told of each as soon as its add is sent:
 * the worker's fetch sent after it on the same connection then runs in Redis after the add,
 * so the next step comes back in the same round trip instead of waking the blocked fetch first.
 */
export interface JobConnection {
  connection(): Redis;
  added(queue: string): void;
}

const DEFAULT_RETENTION = { completedSeconds: BULLMQ_DEFAULTS.completedSeconds, failedSeconds: BULLMQ_DEFAULTS.failedSeconds };

/**
 * The worker's half of the canvas: gives a chord callback (or a chained step inside a
 * chord header) its members' results, and, once a task ended for good, publishes what
 * comes next (the rest of its chain, its links) or marks what will now never run.
 */
export class CanvasSteps {
  private redis: Redis | undefined;
  private queues: QueueSet | undefined;
  private writer: CanvasWriter | undefined;

  constructor(
    private readonly prefix: string,
    /** The BullMQ prefix of a queue (see `queuePrefix`). */
    private readonly prefixOf: (queue: string) => string,
    private readonly registry: TaskRegistry,
    /** A connection of its own, for step records and flows. */
    private readonly connect: () => Redis,
    private readonly telemetry: TaskTelemetry,
    private readonly jobs: JobConnection,
  ) {}

  /** Whether the job waits on flow children whose results come first in its arguments. */
  joins(data: TaskJobData): boolean {
    return canvasOf(data)?.join !== undefined;
  }

  /** The job's data with its flow children's results prepended to its arguments. */
  async joined(job: Job, data: TaskJobData): Promise<TaskJobData> {
    const join = canvasOf(data)!.join!;
    const values = (await job.getChildrenValues()) as Record<string, JsonValue>;
    const results = joinedMembers(join).map((member) => values[`${this.prefixOf(member.queue)}:${member.queue}:${member.id}`] ?? null);
    return { ...data, args: [join.single ? results[0]! : results, ...data.args] };
  }

  /**
   * Adds to an attempt's options what the canvas does when the task ends for good (never
   * after a retry), as Celery does before `task_success` / `task_failure`: on success it
   * publishes the task's `next` and `link` tasks with its result; on failure it marks its
   * doomed tasks failed and publishes its `linkError` tasks. The job is marked finished
   * only after, so a worker that dies in between publishes again, and the fixed ids keep
   * that single. Nothing is added where there is nothing to do.
   */
  addHooks(options: AttemptOptions, data: TaskJobData, request: TaskRequest): AttemptOptions {
    const canvas = canvasOf(data);
    if (canvas === undefined) return options;
    // A chord member usually has neither: the join happens in Redis.
    if (actsOnSuccess(canvas)) options.beforeSuccess = (result) => this.succeeded(data, result);
    if (actsOnFailure(canvas)) options.beforeFailure = (error) => this.failed(data, request, error);
    return options;
  }

  /** Publishes the rest of the chain and the links of a task that succeeded. */
  async succeeded(data: TaskJobData, result: JsonValue): Promise<void> {
    const canvas = canvasOf(data);
    if (!canvas) return;
    const writer = this.writerFor();
    const retention = canvas.retention ?? DEFAULT_RETENTION;
    if (canvas.next) await writer.publish(canvas.next, [result], undefined, retention);
    for (const link of canvas.link ?? []) await writer.publish(link, [result], undefined, retention);
  }

  /**
   * Marks what will now never run, and publishes the errbacks of a task that failed for
   * good or was revoked. Its own errors are logged: the task's outcome stands.
   */
  async failed(data: unknown, request: Pick<TaskRequest, 'id' | 'name'>, error: Error): Promise<void> {
    const canvas = typeof data === 'object' && data !== null ? canvasOf(data as TaskJobData) : undefined;
    if (!canvas) return;
    try {
      const writer = this.writerFor();
      const retention = canvas.retention ?? DEFAULT_RETENTION;
      const doomed = doomedOf(canvas);
      if (doomed.length > 0) {
        const failure = { error: errorRecord(error), taskId: request.id, ...(canvas.chordMember && { chord: true }) };
        await doomSteps(this.redis!, this.prefix, this.prefixOf, doomed, failure, retention.failedSeconds);
      }
      const record = errorRecord(error);
      for (const link of canvas.linkError ?? []) await writer.publish(link, [request.id, record], undefined, retention);
    } catch (thrown) {
      const failure = toError(thrown);
      tasksLogger().error(`Task ${request.name} (${request.id}) failed, and what follows it in its canvas could not be updated: ${failure.message}`, failure.stack);
    }
  }

  async close(): Promise<void> {
    await this.writer?.close();
    await this.queues?.close();
    if (this.redis) disconnectNow(this.redis);
  }

  private writerFor(): CanvasWriter {
    if (!this.writer) {
      this.redis = this.connect();
      this.queues = new QueueSet(this.jobs.connection(), this.prefixOf, () => []);
      this.writer = new CanvasWriter(this.redis, this.prefix, this.registry, this.queues, this.telemetry, this.jobs.added);
    }
    return this.writer;
  }
}
