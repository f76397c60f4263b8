import { TaskState, type JsonValue, type TaskRegistry, type TaskRequest } from '@tasks/core';
import { tasksLogger, toError, type AttemptOutcome } from '@tasks/core/internal';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { BULLMQ_DEFAULTS } from '../defaults';
import { QueueSet } from '../queues/queue-set';
import type { TaskJobData } from '../message/task-message.codec';
import { canvasOf, errorRecord } from './canvas-job';
import { CanvasWriter } from './canvas-writer';
import { doomSteps } from './step-records';

/** How a task ended, as far as its canvas cares. */
type Ending = Pick<AttemptOutcome, 'state'> & { result?: JsonValue; error?: Error };

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
    private readonly registry: TaskRegistry,
    private readonly connect: () => Redis,
  ) {}

  /** Whether the job waits on flow children whose results come first in its arguments. */
  joins(data: TaskJobData): boolean {
    return canvasOf(data)?.join !== undefined;
  }

  /** The job's data with its flow children's results prepended to its arguments. */
  async joined(job: Job, data: TaskJobData): Promise<TaskJobData> {
    const join = canvasOf(data)!.join!;
    const values = (await job.getChildrenValues()) as Record<string, JsonValue>;
    const results = join.members.map((member) => values[`${this.prefix}:${member.queue}:${member.id}`] ?? null);
    return { ...data, args: [join.single ? results[0]! : results, ...data.args] };
  }

  /**
   * After a task's final outcome (never after a retry): on success publishes its `next`
   * and `link` tasks with its result; on failure or revoke marks its doomed tasks failed
   * and publishes its `linkError` tasks. Runs before the job is marked finished, so a
   * worker that dies in between publishes again, and the fixed ids keep that single.
   */
  async settle(data: TaskJobData, request: TaskRequest, ending: Ending): Promise<void> {
    const canvas = canvasOf(data);
    if (!canvas || ending.state === TaskState.RETRY) return;
    const writer = this.writerFor();
    const retention = canvas.retention ?? { completedSeconds: BULLMQ_DEFAULTS.completedSeconds, failedSeconds: BULLMQ_DEFAULTS.failedSeconds };
    if (ending.state === TaskState.SUCCESS) {
      const result = ending.result ?? null;
      if (canvas.next) await writer.publish(canvas.next, [result], undefined, retention);
      for (const link of canvas.link ?? []) await this.publishLink(() => writer.publish(link, [result], undefined, retention), request, link.name);
      return;
    }
    const error = ending.error ?? new Error(`task ${request.id} ended ${ending.state}`);
    if (canvas.doomed?.length) {
      const failure = { error: errorRecord(error), taskId: request.id, ...(canvas.chordMember && { chord: true }) };
      await doomSteps(this.redis!, this.prefix, canvas.doomed, failure, retention.failedSeconds);
    }
    const record = errorRecord(error);
    for (const link of canvas.linkError ?? []) await this.publishLink(() => writer.publish(link, [request.id, record], undefined, retention), request, link.name);
  }

  async close(): Promise<void> {
    await this.writer?.close();
    await this.queues?.close();
    this.redis?.disconnect();
  }

  /** A link that can not be published is logged; it does not change its task's outcome. */
  private async publishLink(publish: () => Promise<void>, request: TaskRequest, link: string): Promise<void> {
    try {
      await publish();
    } catch (thrown) {
      const error = toError(thrown);
      tasksLogger().error(`Task ${request.name} (${request.id}): could not publish its linked task ${link}: ${error.message}`, error.stack);
    }
  }

  private writerFor(): CanvasWriter {
    if (!this.writer) {
      this.redis = this.connect();
      this.queues = new QueueSet(this.redis, this.prefix, () => []);
      this.writer = new CanvasWriter(this.redis, this.prefix, this.registry, this.queues);
    }
    return this.writer;
  }
}
