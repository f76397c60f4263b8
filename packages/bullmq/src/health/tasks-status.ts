import type { WorkerState } from './worker-state';

/** Whether Redis answered a PING within the deadline. */
export interface RedisStatus {
  readonly reachable: boolean;
  /** Round trip of the PING, when it answered. */
  readonly latencyMs?: number;
  /** Why it is not reachable, when it is not. */
  readonly error?: string;
}

/** Jobs of one queue, by where they are. `waiting` counts prioritized jobs too. */
export interface QueueDepth {
  readonly waiting: number;
  readonly delayed: number;
  readonly active: number;
  readonly failed: number;
}

/**
 * A process's view of its tasks: Redis reachability, its worker's state and the
 * depth of its queues. `ok` is true when Redis answered and the worker, if there
 * is one, takes jobs.
 *
 * @example
 * { ok: true, redis: { reachable: true, latencyMs: 0.4 },
 *   worker: { name: 'tasks@web-1:4242', state: 'running' },
 *   queues: { default: { waiting: 3, delayed: 0, active: 1, failed: 0 } } }
 */
export interface TasksStatus {
  readonly ok: boolean;
  /** `undefined` in eager mode, which has no Redis. */
  readonly redis: RedisStatus | undefined;
  /** `undefined` when the process runs no worker. */
  readonly worker: { readonly name: string; readonly state: WorkerState } | undefined;
  /** Per queue; empty when Redis is not reachable (or in eager mode). */
  readonly queues: Readonly<Record<string, QueueDepth>>;
}

/** Options of a status check. */
export interface StatusCheckOptions {
  /** How long the PING (and then the queue counts) may take. Default: 500. */
  timeoutMs?: number;
}
