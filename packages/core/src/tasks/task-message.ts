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
  /**
   * Tasks to publish once this one succeeds, each with this task's result prepended to its
   * arguments (unless made with `.si()`), as Celery's `link`.
   */
  link?: LinkedTask | readonly LinkedTask[];
  /**
   * Tasks to publish once this one fails for good (not after a retry), each called with
   * `(taskId, { name, message, stack })` of the failed task, as Celery's `link_error`.
   */
  linkError?: LinkedTask | readonly LinkedTask[];
}

/**
 * A task to publish after another ends, as given to `link` / `linkError`: a signature
 * made by `ref.s()`, `ref.si()` or `tasks.signature()`.
 */
export interface LinkedTask {
  /** The task's name. */
  readonly task: string;
  /** Its arguments; the linked-from task's result (or id and error) comes first unless `immutable`. */
  readonly args: readonly unknown[];
  /** Its publish options. */
  readonly options: Readonly<PublishOptions>;
  /** Made with `.si()`: takes nothing from the task it is linked from. */
  readonly immutable: boolean;
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
  /** First task of the canvas this task belongs to; its own id when published alone (Celery's `root_id`). */
  rootId?: string;
  /** The task whose result this one was given, in a chain or after a `link` (Celery's `parent_id`). */
  parentId?: string;
  /** The group (or chord header) this task is a member of (Celery's `group_id`). */
  groupId?: string;
}
