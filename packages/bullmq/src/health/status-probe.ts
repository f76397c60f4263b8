import { Queue } from 'bullmq';
import { queuePrefix } from '../connection/key-prefix';
import { createRedis, disconnectNow, type RedisClient } from '../connection/redis-client';
import type { BullmqConnectionOptions } from '../options';
import type { TaskWorker } from '../worker/task-worker';
import type { QueueDepth, RedisStatus, StatusCheckOptions, TasksStatus } from './tasks-status';
import { followWorkerState } from './worker-state';

const DEFAULT_TIMEOUT_MS = 500;

/** Options of {@link TasksStatusProbe}. */
export interface TasksStatusProbeOptions extends BullmqConnectionOptions {
  /** Queues whose depth to report. Default: the worker's queues, else none. */
  queues?: readonly string[];
  /** The worker whose state to report, if this process runs one. */
  worker?: TaskWorker;
}

/**
 * Answers "are this process's tasks healthy?" without any framework: a PING to
 * Redis within a deadline, the worker's state (followed through its signals) and
 * the depth of the queues. Has its own Redis client (`<prefix>:health`), so a
 * check never waits behind the publisher's or the worker's commands. The NestJS
 * module and its terminus indicator use it; a plain Node process can too.
 *
 * @example
 * const probe = new TasksStatusProbe({ connection: process.env.REDIS_URL, worker });
 * const status = await probe.check({ timeoutMs: 500 });
 * if (!status.ok) console.error(status);
 * await probe.close();
 */
export class TasksStatusProbe {
  private readonly queueNames: readonly string[];
  private readonly workerState: ReturnType<typeof followWorkerState> | undefined;
  private redis: RedisClient | undefined;
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly options: TasksStatusProbeOptions = {}) {
    this.queueNames = options.queues ?? options.worker?.queues ?? [];
    this.workerState = options.worker ? followWorkerState(options.worker.name) : undefined;
  }

  /** Checks Redis, then counts the queues' jobs; never throws, never waits past twice `timeoutMs`. */
  async check({ timeoutMs = DEFAULT_TIMEOUT_MS }: StatusCheckOptions = {}): Promise<TasksStatus> {
    const redis = await this.ping(timeoutMs);
    const queues = redis.reachable ? await withDeadline(this.depths(), timeoutMs).catch(() => ({})) : {};
    const worker = this.options.worker && this.workerState ? { name: this.options.worker.name, state: this.workerState.state() } : undefined;
    return { ok: redis.reachable && (worker === undefined || worker.state === 'running'), redis, worker, queues };
  }

  /** Closes the probe's Redis client and stops following the worker. */
  async close(): Promise<void> {
    this.workerState?.dispose();
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
    this.queues.clear();
    if (this.redis) disconnectNow(this.redis);
    this.redis = undefined;
  }

  private async ping(timeoutMs: number): Promise<RedisStatus> {
    this.redis ??= this.connect();
    // While the client reconnects, the PING waits in its offline queue: it answers if
    // Redis comes back within the deadline, and the check says unreachable otherwise.
    const started = performance.now();
    try {
      await withDeadline(this.redis.ping(), timeoutMs);
      return { reachable: true, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
    } catch (error) {
      return { reachable: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private connect(): RedisClient {
    const redis = createRedis(this.options, 'commands', 'health');
    // Failures are reported by check(), not by ioredis' unhandled error log.
    redis.on('error', () => undefined);
    return redis;
  }

  private async depths(): Promise<Record<string, QueueDepth>> {
    const entries = await Promise.all(
      this.queueNames.map(async (name) => {
        const counts = await this.queue(name).getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed');
        const depth: QueueDepth = {
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          delayed: counts.delayed ?? 0,
          active: counts.active ?? 0,
          failed: counts.failed ?? 0,
        };
        return [name, depth] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      // The prefix the workers use for this queue (hash-tagged on a Redis Cluster).
      queue = new Queue(name, { connection: this.redis!, prefix: queuePrefix(this.options, name) });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }
}

/** Rejects when `promise` has not settled within `timeoutMs`. */
function withDeadline<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
