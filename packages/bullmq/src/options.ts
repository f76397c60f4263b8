import type { WorkerOptions } from 'bullmq';
import type { Cluster, ClusterNode, ClusterOptions, RedisOptions } from 'ioredis';

/**
 * A Redis Cluster: its startup nodes under `cluster`, beside ioredis' cluster options
 * (`redisOptions` for auth or TLS on every node, `natMap`…).
 *
 * @example
 * { cluster: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7000 }], redisOptions: { password } }
 */
export interface RedisClusterConnection extends ClusterOptions {
  /** Some of the cluster's nodes; the others are discovered from them. */
  cluster: ClusterNode[];
}

/**
 * How to reach Redis: a `redis://` URL, ioredis options (auth, TLS…), a Redis Cluster
 * as {@link RedisClusterConnection}, or an ioredis `Cluster` (used as a template: each
 * client is a duplicate of it, and the instance itself is never closed here).
 */
export type RedisConnection = string | RedisOptions | RedisClusterConnection | Cluster;

/** How keys are spread over a Redis Cluster. */
export interface ClusterKeyOptions {
  /**
   * Give each queue a hash tag of its own (`{tasks:emails}`), so that queues spread over
   * the masters instead of sharing the prefix's one slot. The prefix must then hold no
   * `{…}` tag. Publisher and workers must agree on it. Default: false.
   */
  shardByQueue?: boolean;
}

/** Options shared by the executor (publisher and results) and the worker. */
export interface BullmqConnectionOptions {
  /** Redis to use. Default: `redis://127.0.0.1:6379`. */
  connection?: RedisConnection;
  /**
   * Prefix of every key. Default: `'tasks'`. On a Redis Cluster a prefix without a
   * `{…}` hash tag is wrapped in one (`'{tasks}'`), so every key lives in one slot.
   */
  prefix?: string;
  /** On a Redis Cluster: how keys are spread over its slots. Ignored on a single Redis. */
  cluster?: ClusterKeyOptions;
  /** Fail with `RedisConnectionError` when Redis does not answer within this long. Default: 5000. */
  connectTimeoutMs?: number;
  /**
   * OpenTelemetry spans for publishes and attempts, when `@opentelemetry/api` is
   * installed and a tracer provider is registered. Default: true.
   */
  telemetry?: boolean;
  /** Cap of the event stream `<prefix>::events`, in entries (trimmed approximately). Default: 10 000. */
  eventsMaxLength?: number;
}

/** How long finished tasks (and so their results) are kept in Redis. */
export interface ResultRetention {
  /** Seconds a succeeded task is kept. Default: 86 400 (one day, as Celery's `result_expires`). */
  completedSeconds?: number;
  /** Seconds a failed task is kept. Default: 604 800 (one week). */
  failedSeconds?: number;
}

/**
 * BullMQ's own options, passed through as they are: `telemetry` to the queues and
 * workers, `metrics` to the workers (BullMQ then records completed and failed counts
 * per minute, which dashboards show).
 */
export interface BullmqPassThroughOptions {
  telemetry?: WorkerOptions['telemetry'];
  metrics?: WorkerOptions['metrics'];
}
