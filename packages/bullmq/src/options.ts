import type { RedisOptions } from 'ioredis';

/** How to reach Redis: a `redis://` URL, or ioredis options (auth, TLS…). */
export type RedisConnection = string | RedisOptions;

/** Options shared by the executor (publisher and results) and the worker. */
export interface BullmqConnectionOptions {
  /** Redis to use. Default: `redis://127.0.0.1:6379`. */
  connection?: RedisConnection;
  /** Prefix of every key. Default: `'tasks'`. Use `'{tasks}'` on Redis Cluster. */
  prefix?: string;
  /** Fail with `RedisConnectionError` when Redis does not answer within this long. Default: 5000. */
  connectTimeoutMs?: number;
  /**
   * OpenTelemetry spans for publishes and attempts, when `@opentelemetry/api` is
   * installed and a tracer provider is registered. Default: true.
   */
  telemetry?: boolean;
}

/** How long finished tasks (and so their results) are kept in Redis. */
export interface ResultRetention {
  /** Seconds a succeeded task is kept. Default: 86 400 (one day, as Celery's `result_expires`). */
  completedSeconds?: number;
  /** Seconds a failed task is kept. Default: 604 800 (one week). */
  failedSeconds?: number;
}
