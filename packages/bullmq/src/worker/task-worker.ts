import {
  DEFAULT_QUEUE,
  TaskRevokedError,
  setReceiverTimeout,
  taskFailure,
  taskReceived,
  taskRejected,
  taskRevoked,
  taskUnknown,
  TaskState,
  UnknownTaskError,
  WorkerLostError,
  workerInit,
  workerReady,
  workerShutdown,
  workerShuttingDown,
  type TaskDefinition,
  type TaskRequest,
} from '@tasks/core';
import { AttemptAbort, readCanvasIds, tasksLogger, toError, traceAttempt, type AttemptOutcome } from '@tasks/core/internal';
import { DelayedError, type Job } from 'bullmq';
import type { RedisClient as Redis } from '../connection/redis-client';
import { hostname } from 'node:os';
import { isConnectionError, reportDown } from '../connection/outage-log';
import { untilDown } from '../connection/until-down';
import { closeRedis, connectTimeoutMs, createRedis, describeTarget, openRedis } from '../connection/redis-client';
import { keyPrefix, queuePrefix } from '../connection/key-prefix';
import { BULLMQ_DEFAULTS } from '../defaults';
import { FinalFailure, RetryScheduled } from '../message/error-record';
import { decodeTaskMessage, type TaskJobData } from '../message/task-message.codec';
import { attemptBudget, STALLED_REASON, TASKS_BACKOFF } from '../message/protocol';
import { receiveTick } from '../schedules/tick';
import { CanvasSteps } from '../canvas/canvas-steps';
import { DecodingWorker } from './decoding-worker';
import { CLOSE_STEP_MS, settlesWithin } from '../utils/settles-within';
import { DrainBudget, DrainDeadline, LEFT_FOR_ANOTHER_WORKER } from './drain-deadline';
import { RateLimiter } from './rate-limiter';
import { isBullmqUnrecoverable } from './unrecoverable';
import { ControlListener } from './control-listener';
import { TaskTelemetry } from '../telemetry/task-telemetry';
import { WorkerActivity } from '../control/worker-activity';
import { WorkerRemote } from '../control/worker-remote';
import { parkJob, storeRetryHeaders } from './job-writes';
import { OutcomeWrites } from './outcome-writes';
import { resolveWorkerSettings, type CloseWorkerOptions, type TaskWorkerOptions, type WorkerSettings } from './worker-options';

export type { CloseWorkerOptions, TaskWorkerOptions } from './worker-options';

/**
 * Consumes task queues and runs each task through the tracer, firing the task
 * signals in Celery's order; usable from a plain Node script.
 *
 * @example
 * const registry = new TaskRegistry();
 * registry.registerInstance(new EmailTasks());
 * const worker = new TaskWorker({ registry, queues: ['emails'], concurrency: 20 });
 * await worker.start();
 * process.on('SIGTERM', () => void worker.close({ processSignal: 'SIGTERM' }).then(() => process.exit(0)));
 */
export class TaskWorker {
  readonly name: string;
  readonly queues: readonly string[];
  private currentConcurrency: number;
  /** @internal What runs here now and ran since the start, for remote control. */
  readonly activity = new WorkerActivity();
  private readonly prefix: string;
  private readonly settings: WorkerSettings;
  private readonly telemetry: TaskTelemetry;
  private remote: WorkerRemote | undefined;
  private readonly workers: DecodingWorker[] = [];
  private readonly deadline = new DrainDeadline();
  private readonly outcomes: OutcomeWrites;
  private readonly canvas: CanvasSteps;
  private connection: Redis | undefined;
  private control: ControlListener | undefined;
  private rateLimiter: RateLimiter | undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: TaskWorkerOptions) {
    const registryQueues = options.registry.queues();
    this.queues = options.queues ?? (registryQueues.length > 0 ? registryQueues : [DEFAULT_QUEUE]);
    this.settings = resolveWorkerSettings(options);
    if (options.receiverTimeoutMs !== undefined) setReceiverTimeout(options.receiverTimeoutMs);
    this.currentConcurrency = this.settings.concurrency;
    this.outcomes = new OutcomeWrites(this.settings.lockDurationMs);
    this.name = options.name ?? `tasks@${hostname()}:${process.pid}`;
    this.prefix = keyPrefix(options);
    this.telemetry = new TaskTelemetry(options.telemetry ?? BULLMQ_DEFAULTS.telemetry);
    this.canvas = new CanvasSteps(
      this.prefix,
      (queue) => queuePrefix(options, queue),
      options.registry,
      () => createRedis(options, 'commands', `canvas:${this.name}`),
      this.telemetry,
      { connection: () => this.connection!, added: (queue) => this.workers.find((worker) => worker.name === queue)?.takeAfterAdd() },
    );
  }

  /** Tasks run at once, per queue; changed at run time by {@link setConcurrency}. */
  get concurrency(): number {
    return this.currentConcurrency;
  }

  /** Changes how many tasks run at once, per queue, from now on (also `TasksControl.setConcurrency`). */
  setConcurrency(concurrency: number): void {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new TypeError(`TaskWorker.setConcurrency(): concurrency must be an integer of 1 or more, got ${concurrency}.`);
    }
    this.currentConcurrency = concurrency;
    for (const worker of this.workers) worker.resize(concurrency);
  }

  /**
   * Fires `worker_init`, connects (failing with `RedisConnectionError` within
   * `connectTimeoutMs`), starts consuming, and fires `worker_ready`.
   */
  start(): Promise<void> {
    this.starting ??= this.run();
    return this.starting;
  }

  /**
   * Drains: fires `worker_shutting_down`, stops taking tasks, waits for running
   * ones up to `shutdownTimeoutMs`, then fires `worker_shutdown`. Tasks still
   * running at the timeout go back to their queue for another worker (`how: 'cold'`).
   */
  close(options: CloseWorkerOptions = {}): Promise<void> {
    this.closing ??= this.drain(options);
    return this.closing;
  }

  private async run(): Promise<void> {
    const payload = { queues: this.queues, concurrency: this.concurrency };
    await workerInit.send(this.name, payload);
    this.connection = await openRedis(this.options, 'blocking', `worker:${this.name}`);
    this.rateLimiter = new RateLimiter(this.connection, this.prefix);
    this.control = new ControlListener(createRedis(this.options, 'blocking', `control:${this.name}`), this.connection, this.prefix);
    await this.control.listen();
    // Before the first task is taken, so that `events: true` covers every task from the first.
    this.remote = await WorkerRemote.start(this.options, {
      name: this.name, queues: this.queues, registry: this.options.registry, activity: this.activity, prefix: this.prefix,
      concurrency: () => this.currentConcurrency,
      revokedIds: () => this.control?.revokedIds() ?? [],
      setConcurrency: (n) => this.setConcurrency(n),
      shutdown: () => void this.close(),
    });
    for (const queue of this.queues) this.workers.push(this.createWorker(queue, this.connection));
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
    await workerReady.send(this.name, payload);
  }

  private createWorker(queue: string, connection: Redis): DecodingWorker {
    const worker = new DecodingWorker(queue, (job, token) => this.process(job, token), {
      ...this.options.bullmq,
      connection,
      prefix: queuePrefix(this.options, queue),
      concurrency: this.concurrency,
      name: this.name,
      lockDuration: this.settings.lockDurationMs,
      stalledInterval: this.settings.stalledIntervalMs,
      maxStalledCount: this.settings.maxStalledCount,
      settings: {
        // The tracer already chose the delay (backoff, jitter or `retry({ delayMs })`).
        backoffStrategy: (_attempts: number, type?: string, error?: Error) =>
          type === TASKS_BACKOFF && error instanceof RetryScheduled ? error.delayMs : 0,
      },
    }, connection, this.settings.maxPayloadBytes, this.outcomes);
    worker.on('failed', (job, error) => {
      if (job && error?.message === STALLED_REASON) void this.workerLost(job);
    });
    worker.on('stalled', (jobId) =>
      tasksLogger().warn(`Worker ${this.name}: task ${jobId} on queue ${queue} stalled (its worker stopped renewing its lock); it runs again, or fails with WorkerLostError past maxStalledCount.`),
    );
    worker.on('error', (error) => {
      // An outage is logged once, by the connection's outage log, not once per reconnect.
      if (isConnectionError(error)) reportDown(describeTarget(this.options), connection, error);
      else tasksLogger().error(`Worker ${this.name} on queue ${queue}: ${error.message}`, error.stack);
    });
    return worker;
  }

  /** Runs one job: decode, route by name, check rate limit and revoke/expiry, then one traced attempt. */
  private async process(job: Job, token: string | undefined): Promise<unknown> {
    const taskId = String(job.id);
    let data: TaskJobData;
    try {
      data = decodeTaskMessage(job.data, job.name, this.settings.maxPayloadBytes);
    } catch (thrown) {
      const error = toError(thrown);
      await taskRejected.send(this.name, { jobId: taskId, error });
      throw new FinalFailure(error);
    }
    const task = this.options.registry.get(job.name);
    if (!task) {
      const error = new UnknownTaskError(job.name, taskId);
      await taskUnknown.send(job.name, { taskId, name: job.name, error });
      throw new FinalFailure(error);
    }
    if (this.canvas.joins(data)) data = await this.canvas.joined(job, data);
    // BullMQ decides from the job in memory whether a failure may retry: give it the task's budget
    // when the publisher did not know the task (the stored job keeps the publisher's value).
    job.opts.attempts = attemptBudget(task);
    // Once per attempt, before any wait: a job taken back after waiting for its rate-limit slot already did this.
    const firstTake = data.receivedAttempt !== job.attemptsMade;
    // A schedule's tick: its headers, due time and publish notices, as if a publisher had sent it.
    if (job.repeatJobKey !== undefined && firstTake) data = await receiveTick(job, data, task.name, this.connection!, this.prefix);
    const request: TaskRequest = {
      id: taskId,
      name: task.name,
      args: data.args,
      headers: data.headers,
      queue: job.queueName,
      retries: job.attemptsMade,
      publishedAt: data.publishedAt,
      expiresAt: data.expiresAt,
      timeLimitMs: data.timeLimitMs,
    };
    readCanvasIds(request);
    if (firstTake) {
      const received = taskReceived.notify(task.name, { taskId, args: request.args, request });
      if (received) await received;
    }
    // An expired task is refused below without taking a start slot.
    const park = task.options.rateLimit && !isExpired(data.expiresAt) ? await this.rateLimiter!.admit(task.name, taskId, task.options.rateLimit) : 0;
    if (park > 0) {
      // Back to the delayed set until just before the slot reserved for it; not an attempt.
      await parkJob(this.connection!, job, token, data, park);
      throw new DelayedError();
    }
    this.activity.received(request);
    let state: TaskState | undefined;
    try {
      const expired = isExpired(request.expiresAt);
      // Asked of memory as a rule; awaited only when Redis had to be asked.
      const revoked = expired || this.control!.isRevoked(request.id);
      if (typeof revoked === 'boolean' ? revoked : await revoked) await this.refuse(task, request, data, expired);
      const abort = new AttemptAbort();
      const untrack = this.control!.track(taskId, abort);
      let outcome: AttemptOutcome | typeof LEFT_FOR_ANOTHER_WORKER;
      try {
        outcome = await this.deadline.race(() => this.attempt(task, request, data, abort));
      } finally {
        untrack();
      }
      if (outcome === LEFT_FOR_ANOTHER_WORKER) return this.leave(job, token);
      state = outcome.state;
      if (outcome.state === TaskState.SUCCESS) return outcome.result;
      if (outcome.state === TaskState.REVOKED) await this.canvas.failed(data, request, outcome.error);
      return await this.record(job, data, outcome);
    } finally {
      this.activity.ended(taskId, state);
    }
  }

  /** Refuses a task that expired or was revoked while it waited: `task_revoked`, and a final failure. */
  private async refuse(task: TaskDefinition, request: TaskRequest, data: TaskJobData, expired: boolean): Promise<never> {
    const reason = expired ? 'expired' : 'revoked';
    await taskRevoked.send(task.name, { taskId: request.id, terminated: false, expired, reason });
    const error = new TaskRevokedError(request.id, reason);
    await this.canvas.failed(data, request, error);
    throw new FinalFailure(error);
  }

  /** Starts one traced attempt; the caller tracks its abort for revokes with `terminate`. */
  private attempt(task: TaskDefinition, request: TaskRequest, data: TaskJobData, abort: AttemptAbort): Promise<AttemptOutcome> {
    this.activity.started(request.id);
    const options = { abort, timeLimitGraceMs: this.settings.timeLimitGraceMs, isUnrecoverable: isBullmqUnrecoverable };
    return this.telemetry.run(task, request, () => traceAttempt(task, request, this.canvas.addHooks(options, data, request)));
  }

  /** Turns an attempt's outcome into what BullMQ records: a result, a retry or a final failure. */
  private async record(job: Job, data: TaskJobData, outcome: AttemptOutcome): Promise<unknown> {
    switch (outcome.state) {
      case TaskState.SUCCESS:
        return outcome.result;
      case TaskState.RETRY:
        if (outcome.headers !== data.headers) await storeRetryHeaders(this.connection!, job, data, outcome.headers);
        throw new RetryScheduled(outcome.error, outcome.delayMs);
      case TaskState.REVOKED:
      case TaskState.FAILURE:
        throw new FinalFailure(outcome.error);
    }
  }

  /**
   * The drain ran out of time while this task ran: it goes back to its queue at
   * once (not after its lock lapses), and BullMQ is told to leave the job alone.
   */
  private async leave(job: Job, token: string | undefined): Promise<never> {
    try {
      await job.moveToWait(token);
    } catch (thrown) {
      const error = toError(thrown);
      tasksLogger().warn(`Worker ${this.name}: could not put task ${job.id} back in its queue (${error.message}); it runs again once its lock lapses.`);
    }
    throw new DelayedError();
  }

  /** A task stalled more often than allowed: its worker is gone, and this is its final failure. */
  private async workerLost(job: Job): Promise<void> {
    const error = new WorkerLostError(job.name, String(job.id));
    const args = Array.isArray((job.data as Partial<TaskJobData>)?.args) ? (job.data as TaskJobData).args : [];
    await this.canvas.failed(job.data, { id: String(job.id), name: job.name }, error);
    await taskFailure.send(job.name, { taskId: String(job.id), args, error, attempts: job.attemptsStarted });
  }

  /**
   * One budget, `shutdownTimeoutMs`, for the whole drain, receivers included; with
   * nothing running, Redis is all there is to wait for, so at most `connectTimeoutMs`.
   * Closing takes at most {@link DRAIN_MARGIN_MS} more. Finished tasks whose outcome
   * is not written yet are waited for like running ones: giving up on them early
   * would make them run again.
   */
  private async drain(options: CloseWorkerOptions): Promise<void> {
    const budget = new DrainBudget(this.settings.shutdownTimeoutMs);
    this.outcomes.drainUntil(budget.endsAt);
    const processSignal = options.processSignal;
    if (this.starting) await settlesWithin(this.starting, budget.remaining());
    await workerShuttingDown.sendWithin(this.name, { how: 'warm', processSignal }, budget.remaining());
    const closed = Promise.all(this.workers.map((worker) => worker.close()));
    const running = () => this.control?.size ?? 0;
    // Bodies running, bodies ended whose outcome is being recorded, and outcomes on their way to Redis.
    const busy = () => this.activity.activeCount + this.outcomes.pending > 0;
    // With nothing to drain, only Redis can hold the close up: no longer than connectTimeoutMs, and not at all once it is down.
    const waitMs = busy() ? budget.remaining() : Math.min(budget.remaining(), connectTimeoutMs(this.options));
    const target = describeTarget(this.options);
    const down = this.connection ? untilDown(this.connection) : undefined;
    let finished = await settlesWithin(busy() || !down ? closed : Promise.race([closed, down.promise]), waitMs);
    down?.stop();
    if (this.connection && this.connection.status !== 'ready') {
      // One line for the outage (none if it was logged already), never one per reconnect.
      reportDown(target, this.connection, new Error(`closing while Redis is unreachable (connection ${this.connection.status})`));
      finished = !busy() || finished;
    }
    if (!finished && busy()) {
      if (running() > 0) {
        tasksLogger().warn(`Worker ${this.name}: ${running()} task(s) still running after ${this.settings.shutdownTimeoutMs} ms; putting them back in their queues.`);
        this.deadline.expire();
        // With Redis away the tasks can not be put back; their locks lapse and the stalled check recovers them.
        await settlesWithin(closed, CLOSE_STEP_MS);
      }
      const unwritten = this.outcomes.pending;
      if (unwritten > 0) {
        tasksLogger().warn(
          `Worker ${this.name}: Redis at ${target} did not take the outcome of ${unwritten} finished task(s) within ${this.settings.shutdownTimeoutMs} ms; ` +
            'unless it does while the connections close, they run again once their lock lapses (at-least-once).',
        );
      }
    } else if (!finished) {
      // Nothing ran: what did not close is BullMQ waiting for Redis (down, or paused); one line, unless the outage has one.
      if (this.connection?.status === 'ready') tasksLogger().warn(`Worker ${this.name}: Redis at ${target} did not answer while closing; closed without it.`);
      finished = true;
    }
    await this.release();
    await workerShutdown.sendWithin(this.name, { how: finished ? 'warm' : 'cold', processSignal }, Math.max(budget.remaining(), CLOSE_STEP_MS));
    // After worker_shutdown, so that its worker-offline event is still written.
    if (this.remote) await settlesWithin(this.remote.stop(), CLOSE_STEP_MS);
  }

  /** Closes the connections within {@link CLOSE_STEP_MS}, by force if Redis does not answer. */
  private async release(): Promise<void> {
    this.control?.close();
    await settlesWithin(this.canvas.close(), CLOSE_STEP_MS);
    this.workers.forEach((worker) => void worker.disconnect().catch(() => undefined));
    if (this.connection) await closeRedis(this.connection);
    await Promise.all(this.workers.map((worker) => worker.disconnectBlocking().catch(() => undefined)));
  }
}

function isExpired(expiresAt: number | undefined): boolean {
  return expiresAt !== undefined && Date.now() > expiresAt;
}
