import type { TaskState } from './task-state';
import type { PublishOptions } from './task-message';

/** Options of {@link AsyncResult.get}. */
export interface GetResultOptions {
  /** Give up after this long with a `TaskTimeoutError`; the task itself goes on. Default: wait forever. */
  timeoutMs?: number;
}

/** Options of a revoke. */
export interface RevokeOptions {
  /** Also abort the task if it is running (its `TaskContext.abortSignal` fires). */
  terminate?: boolean;
  /** Why, as reported by `task_revoked`. Default: `'revoked'`. */
  reason?: string;
}

/** What a revoke did. Revoking an unknown or finished task is not an error: `revoked` is false. */
export interface RevokeOutcome {
  taskId: string;
  /** Whether the task was stopped from running (or, with `terminate`, aborted). */
  revoked: boolean;
  /** Whether a running task was told to stop. */
  terminated: boolean;
  /** The state the task was found in. */
  previousState: TaskState;
}

/**
 * A handle on a published task, as Celery's `AsyncResult`.
 *
 * @example
 * const result = await tasks.delay('emails.send', 'a@b.c', 'hi');
 * await result.state();                  // 'PENDING', 'STARTED', 'SUCCESS', …
 * const id = await result.get({ timeoutMs: 5000 });
 */
export interface AsyncResult<Result = unknown> {
  readonly id: string;
  /** The task's state now. An id nobody knows is `PENDING`, as in Celery. */
  state(): Promise<TaskState>;
  /**
   * The task's result once it succeeded. Rejects with a `TaskFailedError` whose
   * `name` and `message` are the task error's, a `TaskRevokedError`, or a
   * `TaskTimeoutError` when `timeoutMs` passes first.
   */
  get(options?: GetResultOptions): Promise<Result>;
  /** Revokes the task; see {@link RevokeOptions}. */
  revoke(options?: RevokeOptions): Promise<RevokeOutcome>;
}

/**
 * What runs tasks for a caller: the BullMQ executor, or the eager one in tests.
 * `TaskClient` in `@tasks/nestjs` delegates to one of these.
 */
export interface TaskExecutor {
  /** Publishes a task with positional arguments, as Celery's `delay`. */
  delay(name: string, ...args: unknown[]): Promise<AsyncResult>;
  /** Publishes a task with options, as Celery's `apply_async`. */
  applyAsync(name: string, args?: readonly unknown[], options?: PublishOptions): Promise<AsyncResult>;
  /** A handle on a task by id; `queue`, when known, spares a search. */
  result(taskId: string, options?: { queue?: string }): AsyncResult;
  /** Revokes a task by id. */
  revoke(taskId: string, options?: RevokeOptions): Promise<RevokeOutcome>;
  /** Releases what the executor holds (connections); idempotent. */
  close(): Promise<void>;
}
