import {
  afterTaskPublish,
  Canvas,
  Signature,
  type CanvasExecutor,
  type CanvasOptions,
  setReceiverTimeout,
  RedisConnectionError,
  taskRevoked,
  TaskRevokedError,
  TaskState,
  type AsyncResult,
  type PublishOptions,
  type RevokeOptions,
  type RevokeOutcome,
  type TaskRegistry,
} from '@tasks/core';
import { completePublish, draftPublish, type CanvasPlan, type PreparedPublish } from '@tasks/core/internal';
import { isConnectionError } from '../connection/outage-log';
import { closeRedis, connectTimeoutMs, createRedis, describeTarget, disconnectNow, openRedis, requireReady, type RedisClient as Redis } from '../connection/redis-client';
import { assertCanvasAllowed, keyPrefix, queuePrefix } from '../connection/key-prefix';
import { BULLMQ_DEFAULTS } from '../defaults';
import { tasksKeys, REVOKE_TTL_MS } from '../keys';
import type { RevokeCommand } from '../message/control-message';
import { attemptBudget } from '../message/protocol';
import { encodeTaskMessage } from '../message/task-message.codec';
import type { BullmqConnectionOptions, BullmqPassThroughOptions, ResultRetention } from '../options';
import { QueueSet } from '../queues/queue-set';
import { CanvasWriter } from '../canvas/canvas-writer';
import { carriesCanvas, promoteDelayed, readStep } from '../canvas/step-records';
import { failWaitingJob } from './fail-waiting';
import { BullmqAsyncResult } from '../results/bullmq-async-result';
import { TaskResults } from '../results/task-results';
import { TaskTelemetry } from '../telemetry/task-telemetry';
import { BullmqSchedules } from '../schedules/bullmq-schedules';
import { isPendingTick } from '../schedules/tick';
import { taskJobOptions } from './task-job-options';
import { ClusterNode } from '../cluster/cluster-node';
import { canvasQueues } from '../canvas/canvas-queues';
import { settlesWithin } from '../utils/settles-within';

/** Options of {@link BullmqExecutor.connect}. */
export interface BullmqExecutorOptions extends BullmqConnectionOptions {
  /** Tasks known here, for their default queue. Tasks need not be registered to be called. */
  registry?: TaskRegistry;
  /** How long finished tasks are kept. */
  results?: ResultRetention;
  /**
   * Queues `result(id)` looks in when an id's queue is not known, besides the registry's
   * queues, the queues published to from here, and `'default'`.
   */
  queues?: readonly string[];
  /** Limits of chains, groups and chords (`maxGroupSize`, `knownTasksOnly`). */
  canvas?: CanvasOptions;
  /**
   * How long one awaited signal receiver may take (`before_task_publish`…) before the
   * dispatch goes on without it. Process-wide. Default: 30 000.
   */
  receiverTimeoutMs?: number;
  /** Calls whose arguments and headers are larger once encoded fail with `PayloadTooLargeError`, nothing sent. Default: 16 MiB. */
  maxPayloadBytes?: number;
  /** BullMQ's own options, passed through: queues take `telemetry`. */
  bullmq?: BullmqPassThroughOptions;
}


/**
 * Publishes tasks to BullMQ queues and reads their results: the `TaskExecutor`
 * for real deployments. Works from a plain Node script.
 *
 * Concurrent `delay()` calls share one connection and do not wait for each other:
 * their commands are written as they come and Redis answers them in order, so
 * many calls issued together cost about one round trip, not one each.
 *
 * @example
 * const tasks = await BullmqExecutor.connect({ connection: 'redis://127.0.0.1:6379' });
 * const result = await tasks.delay('emails.send', 'a@b.c', 'hi');
 * console.log(await result.get({ timeoutMs: 5000 }));
 * await tasks.close();
 */
export class BullmqExecutor implements CanvasExecutor {
  /** Chains, groups, chords and signatures published here; see `Canvas`. */
  readonly canvas: Canvas;
  private readonly writer: CanvasWriter;
  private readonly queues: QueueSet;
  private readonly results: TaskResults;
  private readonly prefix: string;
  private readonly retention: Required<ResultRetention>;
  private readonly telemetry: TaskTelemetry;
  private readonly maxPayloadBytes: number;
  private readonly revokeTask = (taskId: string, options?: RevokeOptions) => this.revoke(taskId, options);
  private scheduleApi: BullmqSchedules | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly redis: Redis,
    private readonly options: BullmqExecutorOptions,
    /** Carries this process's signals to listeners elsewhere, and cluster signals here. */
    private readonly node: ClusterNode,
  ) {
    this.prefix = keyPrefix(options);
    this.telemetry = new TaskTelemetry(options.telemetry ?? BULLMQ_DEFAULTS.telemetry);
    this.maxPayloadBytes = options.maxPayloadBytes ?? BULLMQ_DEFAULTS.maxPayloadBytes;
    if (options.receiverTimeoutMs !== undefined) setReceiverTimeout(options.receiverTimeoutMs);
    this.retention = {
      completedSeconds: options.results?.completedSeconds ?? BULLMQ_DEFAULTS.completedSeconds,
      failedSeconds: options.results?.failedSeconds ?? BULLMQ_DEFAULTS.failedSeconds,
    };
    // Results are looked up in the queues named here and the registry's (read at each search: it may grow).
    this.queues = new QueueSet(redis, (queue) => queuePrefix(options, queue), () => [...(options.queues ?? []), ...(options.registry?.queues() ?? [])], options.bullmq?.telemetry);
    this.results = new TaskResults(redis, this.prefix, this.queues, (queue) => createRedis(options, 'blocking', `results:${queue}`));
    this.canvas = new Canvas(this, options.registry, options.canvas);
    this.writer = new CanvasWriter(redis, this.prefix, options.registry, this.queues, this.telemetry);
  }

  /** Connects to Redis, failing with `RedisConnectionError` within `connectTimeoutMs`. */
  static async connect(options: BullmqExecutorOptions = {}): Promise<BullmqExecutor> {
    const redis = await openRedis(options, 'commands', 'publisher');
    const node = await ClusterNode.acquire(options).catch((error: unknown) => {
      disconnectNow(redis);
      throw error;
    });
    return new BullmqExecutor(redis, options, node);
  }

  delay(name: string, ...args: unknown[]): Promise<AsyncResult> {
    return this.applyAsync(name, args);
  }

  async applyAsync(name: string, args: readonly unknown[] = [], options: PublishOptions = {}): Promise<AsyncResult> {
    this.assertOpen();
    if (options.link !== undefined || options.linkError !== undefined) return this.canvas.run(new Signature(name, args, options)) as Promise<AsyncResult>;
    const call = await this.telemetry.publish(name, options, (traced) => this.publish(name, args, traced));
    return new BullmqAsyncResult(call.taskId, this.results, this.revokeTask, call.queue);
  }

  /** Prepares (firing `before_task_publish`), writes the job, and fires `after_task_publish`. */
  private async publish(name: string, args: readonly unknown[], options: PublishOptions): Promise<PreparedPublish> {
    // preparePublish's halves: before_task_publish is awaited only when a receiver left it pending.
    const draft = draftPublish(name, args, options, this.options.registry, this.maxPayloadBytes);
    if (draft.pending) await draft.pending;
    const call = completePublish(draft);
    // During an outage, fail now rather than leave the job in ioredis' offline queue.
    if (this.redis.status !== 'ready') await requireReady(this.redis, this.options);
    const writing = Date.now();
    try {
      // Set after, not spread: V8 builds a spread followed by more properties far more slowly.
      const jobOptions = taskJobOptions(this.retention, call.options.priority, attemptBudget(this.options.registry?.get(name)));
      jobOptions.jobId = call.taskId;
      if (call.delayMs > 0) jobOptions.delay = call.delayMs;
      await this.queues.get(call.queue).add(name, encodeTaskMessage(call), jobOptions);
    } catch (error) {
      if (this.redis.status === 'ready' && !isConnectionError(error)) throw error;
      const reason = `the connection was lost while publishing task ${name} (${call.taskId}) after ${Date.now() - writing} ms: ${(error as Error).message}`;
      throw new RedisConnectionError(describeTarget(this.options), connectTimeoutMs(this.options), { cause: error, reason });
    }
    const published = afterTaskPublish.notify(name, { taskId: call.taskId, args: call.args, headers: call.headers, queue: call.queue });
    if (published) await published;
    return call;
  }

  /** Periodic tasks on BullMQ job schedulers: `upsert`, `remove`, `get`, `list`, `runNow`, and bootstrap's `reconcile`. */
  get schedules(): BullmqSchedules {
    this.assertOpen();
    this.scheduleApi ??= new BullmqSchedules(this.redis, this.queues, this, { prefix: this.prefix, retention: this.retention, registry: this.options.registry });
    return this.scheduleApi;
  }

  /** Publishes a canvas plan (what `delay()` on a chain, group or chord does); see `Canvas`. */
  async publishCanvas(plan: CanvasPlan): Promise<void> {
    this.assertOpen();
    assertCanvasAllowed(this.options, canvasQueues(plan.root));
    await requireReady(this.redis, this.options);
    await this.writer.publishPlan(plan, this.retention);
  }

  /** A handle on a task by id; give `queue` when known to spare a search. */
  result(taskId: string, options: { queue?: string } = {}): AsyncResult {
    return new BullmqAsyncResult(taskId, this.results, this.revokeTask, options.queue);
  }

  /**
   * Revokes a task. A waiting or delayed task ends `REVOKED` at once, kept in
   * BullMQ's failed set with the revoke as its reason (`task_revoked` fires here); a running one is aborted with `terminate`, and
   * never runs again either way. An unknown or finished task is left alone.
   */
  async revoke(taskId: string, options: RevokeOptions = {}): Promise<RevokeOutcome> {
    this.assertOpen();
    const reason = options.reason ?? 'revoked';
    const found = await this.results.find(taskId);
    const previousState = found.outcome.state;
    const none = { taskId, revoked: false, terminated: false, previousState };
    // A canvas task not published yet is revoked now, and refused when it comes.
    const step = found.job || previousState !== TaskState.PENDING ? undefined : await readStep(this.redis, this.prefix, taskId);
    if (!found.job && !step) return none;
    if (previousState === TaskState.SUCCESS || previousState === TaskState.FAILURE || previousState === TaskState.REVOKED) {
      return none;
    }
    const now = Date.now();
    const terminate = previousState === TaskState.STARTED && options.terminate === true;
    const command: RevokeCommand = { revoke: taskId, until: now + REVOKE_TTL_MS, terminate, reason };
    // Recorded for workers that start later, and told to the running ones, which keep revokes in memory.
    await this.redis
      .multi()
      .zadd(tasksKeys.revoked(this.prefix), command.until, taskId)
      .zremrangebyscore(tasksKeys.revoked(this.prefix), 0, now)
      .publish(tasksKeys.control(this.prefix), JSON.stringify(command))
      .exec();
    if (previousState === TaskState.STARTED) return { ...none, revoked: true, terminated: terminate };
    // A canvas task is left for the worker to refuse, so that its chain or chord ends visibly;
    // a delayed one is due at once, so that this happens now.
    const canvasTask =
      step !== undefined ||
      (found.job !== undefined && (await carriesCanvas(this.redis, this.queues.get(found.queue!).toKey(taskId)))) ||
      (await readStep(this.redis, this.prefix, taskId)) !== undefined;
    if (canvasTask) {
      if (found.job) await promoteDelayed(this.queues.get(found.queue!), taskId);
      return { ...none, revoked: true };
    }
    // Waiting or delayed: failed here, where it stays visible; a worker that took it first sees the revoke and refuses it.
    // A schedule's pending tick stays for a worker to refuse, since taking it writes the next tick.
    const queue = this.queues.get(found.queue!);
    if (await isPendingTick(this.redis, queue, taskId)) return { ...none, revoked: true };
    const failed = await failWaitingJob(this.redis, (type) => queue.toKey(type), taskId, new TaskRevokedError(taskId, reason));
    if (failed) {
      await taskRevoked.send(found.job!.name, { taskId, terminated: false, expired: false, reason });
    }
    return { ...none, revoked: true };
  }

  /**
   * Closes the queues, result readers and connection: gracefully while Redis answers
   * (waiting at most `connectTimeoutMs`), at once when it is down.
   */
  async close(): Promise<void> {
    this.closing ??= (async () => {
      const waitMs = this.redis.status === 'ready' ? connectTimeoutMs(this.options) : 0;
      await Promise.all([this.results.close(waitMs), settlesWithin(this.writer.close(), waitMs)]);
      await settlesWithin(this.queues.close(), waitMs);
      await closeRedis(this.redis);
      await this.node.release();
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('This BullmqExecutor is closed; create another with BullmqExecutor.connect().');
  }
}
