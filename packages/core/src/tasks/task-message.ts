import type { JsonValue } from '../serialization/json-value';

/** Headers sent along with a task; readable in the task as `TaskContext.current().headers`. */
export type TaskHeaders = Record<string, JsonValue>;

/** Options of one call, as Celery's `apply_async`. */
export interface PublishOptions {
  /** Start no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Start no earlier than this time. */
  eta?: Date;
  /** Do not run if not started within this many milliseconds from now: the task ends REVOKED. */
  expiresMs?: number;
  /** Do not run if not started by this time. */
  expires?: Date;
  /** 1 (highest) to 2,097,152 (lowest); tasks without a priority come first, as in BullMQ. */
  priority?: number;
  /** Queue to publish to. Default: the task's queue, else `'default'`. */
  queue?: string;
  /** The task id. Publishing an id that already exists does not run the task twice. */
  taskId?: string;
  /** Headers for this call. */
  headers?: TaskHeaders;
  /** Time limit of this call, overriding the task's `timeLimitMs`. */
  timeLimitMs?: number;
}

/** What a worker knows of a task it took, as given to `task_received`. */
export interface TaskRequest {
  id: string;
  name: string;
  args: readonly JsonValue[];
  headers: TaskHeaders;
  queue: string;
  /** How many attempts failed before this one. */
  retries: number;
  /** When the task was published (epoch ms). */
  publishedAt: number;
  /** Epoch ms after which the task must not start, if any. */
  expiresAt?: number;
  /** Time limit of this call, if one was given. */
  timeLimitMs?: number;
}
