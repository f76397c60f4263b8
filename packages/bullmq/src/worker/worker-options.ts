import type { TaskRegistry } from '@tasks/core';
import { BULLMQ_DEFAULTS } from '../defaults';
import type { BullmqConnectionOptions, BullmqPassThroughOptions } from '../options';

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
  /**
   * How long `close()` waits for running tasks. Tasks still running then are put
   * back in their queue for another worker, and their outcome here is ignored. Default: 30 000.
   */
  shutdownTimeoutMs?: number;
  /**
   * How long a task's lock lasts without renewal (BullMQ's `lockDuration`); a worker
   * that dies holds its tasks this long at most. Renewed every half of it while the
   * task runs, so the event loop must never be blocked this long. Default: 10 000.
   */
  lockDurationMs?: number;
  /**
   * How often tasks whose lock lapsed are looked for (BullMQ's `stalledInterval`).
   * A task whose worker died runs again within `lockDurationMs + stalledIntervalMs`
   * (15 s with the defaults). Default: 5 000.
   */
  stalledIntervalMs?: number;
  /** How many times a task may stall and run again before it fails with `WorkerLostError`. Default: 1. */
  maxStalledCount?: number;
  /** After an abort (time limit, terminate), how long a body may take to stop. Default: 1000. */
  timeLimitGraceMs?: number;
  /**
   * Publish task and worker events to `<prefix>::events` even while nobody listens
   * (Celery's `-E`). Default: false, events are written only while a listener
   * (a cluster receiver, `tasks events`, a dashboard) wants them.
   */
  events?: boolean;
  /**
   * How long one awaited signal receiver or hook may take before the dispatch goes on
   * without it (a `ReceiverTimeoutError`, logged). Process-wide. Default: 30 000.
   */
  receiverTimeoutMs?: number;
  /** Jobs whose encoded data is larger are rejected with `PayloadTooLargeError`. Default: 16 MiB. */
  maxPayloadBytes?: number;
  /** BullMQ's own worker options, passed through (`telemetry`, `metrics`). */
  bullmq?: BullmqPassThroughOptions;
}

/** Options of {@link TaskWorker.close}. */
export interface CloseWorkerOptions {
  /** The process signal behind the shutdown, reported by the worker signals. */
  processSignal?: string;
}

/** Worker tuning with every default applied, once, in the worker's constructor. */
export interface WorkerSettings {
  readonly concurrency: number;
  readonly shutdownTimeoutMs: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
  readonly timeLimitGraceMs: number;
  readonly maxPayloadBytes: number;
}

/** Applies {@link BULLMQ_DEFAULTS} to what `options` leaves out. */
export function resolveWorkerSettings(options: TaskWorkerOptions): WorkerSettings {
  return {
    concurrency: options.concurrency ?? BULLMQ_DEFAULTS.concurrency,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? BULLMQ_DEFAULTS.shutdownTimeoutMs,
    lockDurationMs: options.lockDurationMs ?? BULLMQ_DEFAULTS.lockDurationMs,
    stalledIntervalMs: options.stalledIntervalMs ?? BULLMQ_DEFAULTS.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount ?? BULLMQ_DEFAULTS.maxStalledCount,
    timeLimitGraceMs: options.timeLimitGraceMs ?? BULLMQ_DEFAULTS.timeLimitGraceMs,
    maxPayloadBytes: options.maxPayloadBytes ?? BULLMQ_DEFAULTS.maxPayloadBytes,
  };
}
