import { CORE_DEFAULTS } from '@tasks/core/internal';

/**
 * The defaults of the executor and the worker, in one place, so that an
 * integration (the NestJS module) reports the same values the packages use.
 */
export const BULLMQ_DEFAULTS = {
  ...CORE_DEFAULTS,
  connection: 'redis://127.0.0.1:6379',
  prefix: 'tasks',
  connectTimeoutMs: 5000,
  telemetry: true,
  concurrency: 10,
  shutdownTimeoutMs: 30_000,
  lockDurationMs: 10_000,
  stalledIntervalMs: 5_000,
  maxStalledCount: 1,
  /** Seconds a succeeded task is kept (Celery's `result_expires`). */
  completedSeconds: 24 * 60 * 60,
  /** Seconds a failed task is kept. */
  failedSeconds: 7 * 24 * 60 * 60,
} as const;
