import {
  DEFAULT_QUEUE,
  TaskRevokedError,
  taskFailure,
  taskReceived,
  taskRejected,
  taskRevoked,
  taskUnknown,
  tasksLogger,
  TaskState,
  toError,
  traceAttempt,
  UnknownTaskError,
  WorkerLostError,
  workerInit,
  workerReady,
  workerShutdown,
  workerShuttingDown,
  type TaskDefinition,
  type TaskRegistry,
  type TaskRequest,
} from '@tasks/core';
import { DelayedError, type Job, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { hostname } from 'node:os';
import { createRedis, DEFAULT_PREFIX, openRedis } from '../connection/redis-client';
import { tasksKeys } from '../keys';
import { FinalFailure, RetryScheduled } from '../message/error-record';
import { decodeTaskMessage, type TaskJobData } from '../message/task-message.codec';
import type { BullmqConnectionOptions } from '../options';
import { TASKS_BACKOFF } from '../publisher/bullmq-executor';
import { STALLED_REASON } from '../results/job-outcome';
import { DecodingWorker } from './decoding-worker';
import { RateLimiter } from './rate-limiter';

/** Options of a {@link TaskWorker}. */
export interface TaskWorkerOptions extends BullmqConnectionOptions {
  /** The tasks this worker runs. */
  registry: TaskRegistry;
  /** Queues to consume. Default: the registry's queues, else `['default']`. */
  queues?: readonly string[];
  /** Tasks run at once, per queue. Default: 10. */
  concurrency?: number;
  /** Sender of the worker signals. Default: `tasks@<host>:<pid>`. */
  name?: string;
  /** How long `close()` waits for running tasks before leaving them to another worker. Default: 30 000. */
  shutdownTimeoutMs?: number;
  /**
   * How long a task's lock lasts without renewal; a worker that dies holds its
   * tasks this long at most. Renewed every half of it while the task runs. Default: 10 000.
   */
  lockDurationMs?: number;
  /** How often stalled tasks (whose worker died) are looked for. Default: 5 000. */
  stalledIntervalMs?: number;
  /** How many times a task may stall before it fails with `WorkerLostError`. Default: 1. */
  maxStalledCount?: number;
  /** After an abort (time limit, terminate), how long a body may take to stop. Default: 1000. */
  abortGraceMs?: number;
}

/** Options of {@link TaskWorker.close}. */
export interface CloseWorkerOptions {
  /** The process signal behind the shutdown, reported by the worker signals. */
  processSignal?: string;
}

const DEFAULT_CONCURRENCY = 10;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;
const DEFAULT_LOCK_DURATION_MS = 10_000;
const DEFAULT_STALLED_INTERVAL_MS = 5_000;

/**
 * Consumes task queues and runs each task through the tracer, firing the task
 * signals in Celery's order; usable from a plain Node script.
 *
 * @example
 * const registry = new TaskRegistry();
 * registry.registerInstance(new EmailTasks());
 * const worker = new TaskWorker({ registry, queues: ['emails'], concurrency: 20 });
 * await worker.start();
 * process.on('SIGTERM', () => void worker.close({ processSignal: 'SIGTERM' }));
 */
export class TaskWorker {
  readonly name: string;
  readonly queues: readonly string[];
  readonly concurrency: number;
  private readonly prefix: string;
  private readonly workers: Worker[] = [];
  /** Aborts of the attempts running here, by task id, for revoke with `terminate`. */
  private readonly running = new Map<string, AbortController>();
  private connection: Redis | undefined;
  private subscriber: Redis | undefined;
  private rateLimiter: RateLimiter | undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: TaskWorkerOptions) {
    const registryQueues = options.registry.queues();
    this.queues = options.queues ?? (registryQueues.length > 0 ? registryQueues : [DEFAULT_QUEUE]);
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.name = options.name ?? `tasks@${hostname()}:${process.pid}`;
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
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
   * running at the timeout keep their place in Redis and are run by another worker.
   */
  close(options: CloseWorkerOptions = {}): Promise<void> {
    this.closing ??= this.drain(options);
    return this.closing;
  }

  private async run(): Promise<void> {
    const payload = { queues: this.queues, concurrency: this.concurrency };
    await workerInit.send(this.name, payload);
    this.connection = await openRedis(this.options, 'blocking', `tasks:worker:${this.name}`);
    this.rateLimiter = new RateLimiter(this.connection, this.prefix);
    await this.listenForTerminate();
    for (const queue of this.queues) this.workers.push(this.createWorker(queue));
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
    await workerReady.send(this.name, payload);
  }

  private createWorker(queue: string): Worker {
    const worker = new DecodingWorker(queue, (job, token) => this.process(job, token), {
      connection: this.connection!,
      prefix: this.prefix,
      concurrency: this.concurrency,
      name: this.name,
      lockDuration: this.options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
      stalledInterval: this.options.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS,
      maxStalledCount: this.options.maxStalledCount ?? 1,
      settings: {
        // The tracer already chose the delay (backoff, jitter or `retry({ delayMs })`).
        backoffStrategy: (_attempts: number, type?: string, error?: Error) =>
          type === TASKS_BACKOFF && error instanceof RetryScheduled ? error.delayMs : 0,
      },
    });
    worker.on('failed', (job, error) => {
      if (job && error?.message === STALLED_REASON) void this.workerLost(job);
    });
    worker.on('error', (error) => tasksLogger().error(`Worker ${this.name} on queue ${queue}: ${error.message}`, error.stack));
    return worker;
  }

  /** Runs one job: decode, route by name, check revoke/expiry/rate limit, then one traced attempt. */
  private async process(job: Job, token: string | undefined): Promise<unknown> {
    const taskId = String(job.id);
    let data: TaskJobData;
    try {
      data = decodeTaskMessage(job.data);
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
    const wait = task.options.rateLimit ? await this.rateLimiter!.wait(task.name, task.options.rateLimit) : 0;
    if (wait > 0) {
      // Back to the delayed set until the task's next start slot; not an attempt.
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
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
    await taskReceived.send(task.name, { taskId, args: request.args, request });
    await this.refuseRevokedOrExpired(task, request);
    return this.attempt(task, request);
  }

  private async refuseRevokedOrExpired(task: TaskDefinition, request: TaskRequest): Promise<void> {
    const expired = request.expiresAt !== undefined && Date.now() > request.expiresAt;
    const revoked = !expired && (await this.connection!.zscore(tasksKeys.revoked(this.prefix), request.id)) !== null;
    if (!expired && !revoked) return;
    const reason = expired ? 'expired' : 'revoked';
    await taskRevoked.send(task.name, { taskId: request.id, terminated: false, expired, reason });
    throw new FinalFailure(new TaskRevokedError(request.id, reason));
  }

  private async attempt(task: TaskDefinition, request: TaskRequest): Promise<unknown> {
    const abort = new AbortController();
    this.running.set(request.id, abort);
    let outcome;
    try {
      outcome = await traceAttempt(task, request, { abortSignal: abort.signal, timeLimitGraceMs: this.options.abortGraceMs });
    } finally {
      this.running.delete(request.id);
    }
    switch (outcome.state) {
      case TaskState.SUCCESS:
        return outcome.result;
      case TaskState.RETRY:
        throw new RetryScheduled(outcome.error, outcome.delayMs);
      case TaskState.REVOKED:
        await taskRevoked.send(task.name, { taskId: request.id, terminated: true, expired: false, reason: outcome.error.reason });
        throw new FinalFailure(outcome.error);
      case TaskState.FAILURE:
        throw new FinalFailure(outcome.error);
    }
  }

  /** A task stalled more often than allowed: its worker is gone, and this is its final failure. */
  private async workerLost(job: Job): Promise<void> {
    const error = new WorkerLostError(job.name, String(job.id));
    const args = Array.isArray((job.data as Partial<TaskJobData>)?.args) ? (job.data as TaskJobData).args : [];
    await taskFailure.send(job.name, { taskId: String(job.id), args, error, attempts: job.attemptsStarted });
  }

  private async listenForTerminate(): Promise<void> {
    this.subscriber = createRedis(this.options, 'blocking', `tasks:control:${this.name}`);
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, message: string) => {
      let command: { terminate?: unknown; reason?: unknown };
      try {
        command = JSON.parse(message) as typeof command;
      } catch {
        return;
      }
      if (typeof command.terminate !== 'string') return;
      const reason = typeof command.reason === 'string' ? command.reason : 'terminated';
      this.running.get(command.terminate)?.abort(new TaskRevokedError(command.terminate, reason));
    });
    await this.subscriber.subscribe(tasksKeys.control(this.prefix));
  }

  private async drain(options: CloseWorkerOptions): Promise<void> {
    await this.starting?.catch(() => undefined);
    const processSignal = options.processSignal;
    await workerShuttingDown.send(this.name, { how: 'warm', processSignal });
    const timeoutMs = this.options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.all(this.workers.map((worker) => worker.close())).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!finished) {
      // Left running: their locks lapse and the stalled check hands them to another worker.
      tasksLogger().warn(`Worker ${this.name}: ${this.running.size} task(s) still running after ${timeoutMs} ms; leaving them to another worker.`);
      await Promise.all(this.workers.map((worker) => worker.close(true)));
    }
    this.subscriber?.disconnect();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
    await workerShutdown.send(this.name, { how: finished ? 'warm' : 'cold', processSignal });
  }
}
