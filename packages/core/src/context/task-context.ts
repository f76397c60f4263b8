import { AsyncLocalStorage } from 'node:async_hooks';
import { TaskContextError } from '../errors';
import { explicitRetry } from '../tasks/retry-policy';
import type { JsonValue } from '../serialization/json-value';
import type { TaskHeaders } from '../tasks/task-message';

const storage = new AsyncLocalStorage<TaskContext>();

/**
 * Turns the task context's `AsyncLocalStorage` off until the next attempt enters it
 * again. On Node 20 an `AsyncLocalStorage` that was entered once keeps promise hooks on
 * for the whole process, so a benchmark calls this before timing a baseline that does
 * not use this library (raw BullMQ), which would otherwise pay for them too. Only while
 * no task runs in this process: a running one would lose its context.
 */
export function disableTaskContext(): void {
  storage.disable();
}

/** What the executor knows of the attempt it is running. */
export interface TaskContextInit {
  id: string;
  name: string;
  args: readonly JsonValue[];
  retries: number;
  maxRetries: number;
  queue: string;
  headers: TaskHeaders;
  /** Where the attempt's abort signal comes from (an `AbortController` will do). */
  abort: { readonly signal: AbortSignal };
}

/** Options of {@link TaskContext.retry}. */
export interface RetryOptions {
  /** Wait this long before the next attempt instead of the task's backoff. */
  delayMs?: number;
  /** The error that caused the retry; reported by `task_retry`, and thrown once retries run out. */
  error?: Error;
}

/**
 * The running attempt of a task, as Celery's `self.request` plus `self.retry`.
 * Available anywhere in the task body and in code it awaits.
 *
 * @example
 * @Task({ maxRetries: 5 })
 * async sync(accountId: string) {
 *   const ctx = TaskContext.current();
 *   if (await this.remote.isBusy()) ctx.retry({ delayMs: 30_000 });
 *   ctx.abortSignal.throwIfAborted();
 * }
 */
export class TaskContext {
  readonly id: string;
  readonly name: string;
  readonly args: readonly JsonValue[];
  /** How many attempts failed before this one. */
  readonly retries: number;
  readonly maxRetries: number;
  readonly queue: string;
  readonly headers: TaskHeaders;
  private readonly abort: { readonly signal: AbortSignal };

  /** @internal Created by the executor. */
  constructor(init: TaskContextInit) {
    this.id = init.id;
    this.name = init.name;
    this.args = init.args;
    this.retries = init.retries;
    this.maxRetries = init.maxRetries;
    this.queue = init.queue;
    this.headers = init.headers;
    this.abort = init.abort;
  }

  /** First task of the canvas this task belongs to; its own id when published alone (Celery's `root_id`). */
  get rootId(): string {
    return idHeader(this.headers.rootId) ?? this.id;
  }

  /** The task whose result this one was given, in a chain or after a `link` (Celery's `parent_id`). */
  get parentId(): string | undefined {
    return idHeader(this.headers.parentId);
  }

  /** The group (or chord header) this task is a member of (Celery's `group_id`). */
  get groupId(): string | undefined {
    return idHeader(this.headers.groupId);
  }

  /** Aborted when the task is revoked with `terminate` or reaches its time limit. */
  get abortSignal(): AbortSignal {
    return this.abort.signal;
  }

  /** The attempt running here. Throws {@link TaskContextError} outside a task. */
  static current(): TaskContext {
    const context = storage.getStore();
    if (!context) throw new TaskContextError();
    return context;
  }

  /** The attempt running here, or `undefined` outside a task. */
  static find(): TaskContext | undefined {
    return storage.getStore();
  }

  /**
   * Ends this attempt and schedules another, as Celery's `self.retry()`. Once
   * `maxRetries` is reached it throws `error`, or {@link MaxRetriesExceededError}.
   */
  retry(options: RetryOptions = {}): never {
    throw explicitRetry(this, options.delayMs, options.error);
  }

  /** @internal Runs `body` with this context as the current one. */
  run<Result>(body: () => Result): Result {
    return storage.run(this, body);
  }
}

function idHeader(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
