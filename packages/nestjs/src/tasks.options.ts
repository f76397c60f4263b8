import { BULLMQ_DEFAULTS, type BullmqPassThroughOptions, type ClusterKeyOptions, type RedisConnection, type ResultRetention } from '@tasks/bullmq';
import type { CanvasOptions, ScheduleSpec, TaskOptions } from '@tasks/core';

/** Options every task gets unless its `@Task()` sets them (a name or a schedule can not be a default). */
export type TaskDefaults = Omit<TaskOptions, 'name' | 'schedule'>;

/** The worker this app runs, if any. */
export interface TasksWorkerOptions {
  /**
   * Queues to take tasks from. Default: the queues of the tasks this app
   * registers; an app without tasks then starts no worker.
   */
  queues?: string[];
  /** Tasks run at the same time, per queue. Default: 10. */
  concurrency?: number;
  /** Sender of the worker signals (`worker_ready`…). Default: `tasks@<host>:<pid>`. */
  name?: string;
  /**
   * How long a task's lock lasts without renewal; a worker that dies holds its tasks
   * this long at most. Default: 10 000.
   */
  lockDurationMs?: number;
  /** How often tasks whose lock lapsed are looked for. Default: 5 000. */
  stalledIntervalMs?: number;
  /** How many times a task may stall and run again before it fails with `WorkerLostError`. Default: 1. */
  maxStalledCount?: number;
  /** After an abort (time limit, terminate), how long a body may take to stop. Default: 1000. */
  timeLimitGraceMs?: number;
}

/**
 * Options of {@link TasksModule.forRoot}. Every option may be left out.
 *
 * @example
 * TasksModule.forRoot({
 *   connection: 'redis://127.0.0.1:6379',
 *   worker: { queues: ['default', 'emails'], concurrency: 10 },
 *   defaults: { maxRetries: 2 },
 * });
 */
export interface TasksModuleOptions {
  /**
   * Redis to use: a URL, ioredis options, a Redis Cluster (`{ cluster: [{ host, port }] }`) or
   * an ioredis `Cluster`. Default: `'redis://127.0.0.1:6379'`. Not touched when `eager` is true.
   */
  connection?: RedisConnection;
  /** Prefix of every Redis key. Default: `'tasks'`; on a Redis Cluster wrapped in a hash tag (`'{tasks}'`) unless it holds one. */
  prefix?: string;
  /** On a Redis Cluster: `{ shardByQueue: true }` gives each queue a hash tag of its own (see docs/scaling.md). */
  cluster?: ClusterKeyOptions;
  /**
   * The worker this app runs, or `false` for a process that only publishes tasks
   * (an HTTP API that hands work to separate worker processes). Default: a worker
   * with the defaults of {@link TasksWorkerOptions}.
   */
  worker?: false | TasksWorkerOptions;
  /**
   * Run every task inline, in the caller, without Redis: for tests. The same
   * signals and hooks fire in the same order; `worker` and `connection` are ignored.
   * Default: false.
   */
  eager?: boolean;
  /** Task options applied to every task that does not set them, e.g. `{ maxRetries: 2 }`. */
  defaults?: TaskDefaults;
  /** How long `app.close()` waits for running tasks before leaving them to another worker. Default: 30 000. */
  shutdownTimeoutMs?: number;
  /** Bootstrap fails with `RedisConnectionError` when Redis does not answer within this long. Default: 5000. */
  connectTimeoutMs?: number;
  /** How long results are kept. Default: a day for successes, a week for failures. */
  results?: ResultRetention;
  /**
   * OpenTelemetry spans (`publish <task>`, `run <task>`) when `@opentelemetry/api`
   * is installed and a tracer provider is registered. Default: true.
   */
  telemetry?: boolean;
  /**
   * Periodic tasks by schedule id, as Celery's `beat_schedule`; reconciled with Redis at
   * bootstrap. See the periodic tasks guide.
   *
   * @example
   * schedules: { 'files-cleanup': { task: 'files.cleanup', cron: '0 2 * * *', tz: 'Europe/Paris', args: [7] } }
   */
  schedules?: Record<string, ScheduleSpec>;
  /** Limits of chains, groups and chords (`maxGroupSize`, `knownTasksOnly`). */
  canvas?: CanvasOptions;
  /**
   * Publish task and worker events even while nobody listens (Celery's `-E`).
   * Default: false, events are written only while a cluster receiver, `tasks events`
   * or a dashboard listens.
   */
  events?: boolean;
  /** Cap of the event stream, in entries. Default: 10 000. */
  eventsMaxLength?: number;
  /**
   * How long one awaited signal receiver or hook may take before the dispatch goes on
   * without it (its response is a `ReceiverTimeoutError`, logged). Process-wide. Default: 30 000.
   */
  receiverTimeoutMs?: number;
  /** Calls whose arguments and headers are larger once encoded fail with `PayloadTooLargeError`; workers reject such jobs. Default: 16 MiB. */
  maxPayloadBytes?: number;
  /** BullMQ's own options, passed through: `telemetry` to queues and workers, `metrics` to workers. */
  bullmq?: BullmqPassThroughOptions;
}

/** {@link TasksWorkerOptions} with every default applied. */
export interface ResolvedWorkerOptions {
  readonly queues: readonly string[] | undefined;
  readonly name: string | undefined;
  readonly concurrency: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
  readonly timeLimitGraceMs: number;
}

/** {@link TasksModuleOptions} with every default applied. */
export interface ResolvedTasksOptions {
  readonly connection: RedisConnection;
  readonly prefix: string;
  readonly cluster: ClusterKeyOptions | undefined;
  readonly worker: false | ResolvedWorkerOptions;
  readonly eager: boolean;
  readonly defaults: Readonly<TaskDefaults>;
  readonly shutdownTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly results: ResultRetention | undefined;
  readonly telemetry: boolean;
  readonly schedules: Readonly<Record<string, ScheduleSpec>>;
  readonly canvas: CanvasOptions | undefined;
  readonly events: boolean;
  readonly eventsMaxLength: number | undefined;
  readonly receiverTimeoutMs: number;
  readonly maxPayloadBytes: number;
  readonly bullmq: BullmqPassThroughOptions | undefined;
}

/** The one place where the module's defaults are applied. */
export function resolveTasksOptions(options: TasksModuleOptions = {}): ResolvedTasksOptions {
  const worker = options.worker ?? {};
  return {
    connection: options.connection ?? BULLMQ_DEFAULTS.connection,
    prefix: options.prefix ?? BULLMQ_DEFAULTS.prefix,
    cluster: options.cluster,
    worker: worker === false ? false : resolveWorker(worker),
    eager: options.eager ?? false,
    defaults: { ...options.defaults },
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? BULLMQ_DEFAULTS.shutdownTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs ?? BULLMQ_DEFAULTS.connectTimeoutMs,
    results: options.results,
    telemetry: options.telemetry ?? BULLMQ_DEFAULTS.telemetry,
    schedules: { ...options.schedules },
    canvas: options.canvas,
    events: options.events ?? false,
    eventsMaxLength: options.eventsMaxLength,
    receiverTimeoutMs: options.receiverTimeoutMs ?? BULLMQ_DEFAULTS.receiverTimeoutMs,
    maxPayloadBytes: options.maxPayloadBytes ?? BULLMQ_DEFAULTS.maxPayloadBytes,
    bullmq: options.bullmq,
  };
}

function resolveWorker(worker: TasksWorkerOptions): ResolvedWorkerOptions {
  return {
    queues: worker.queues,
    name: worker.name,
    concurrency: worker.concurrency ?? BULLMQ_DEFAULTS.concurrency,
    lockDurationMs: worker.lockDurationMs ?? BULLMQ_DEFAULTS.lockDurationMs,
    stalledIntervalMs: worker.stalledIntervalMs ?? BULLMQ_DEFAULTS.stalledIntervalMs,
    maxStalledCount: worker.maxStalledCount ?? BULLMQ_DEFAULTS.maxStalledCount,
    timeLimitGraceMs: worker.timeLimitGraceMs ?? BULLMQ_DEFAULTS.timeLimitGraceMs,
  };
}
