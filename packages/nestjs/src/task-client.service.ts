import { Injectable } from '@nestjs/common';
import type { AsyncResult, PublishOptions, RevokeOptions, RevokeOutcome, TaskSchedules } from '@tasks/core';
import { createTaskRef, type TaskArgs, type TaskClass, type TaskMethodName, type TaskRef, type TaskResult } from './task-ref';
import { TasksRuntime } from './tasks.runtime';

/**
 * Publishes tasks and reads their results, as Celery's `delay` / `apply_async` /
 * `AsyncResult`. Runs them on Redis through BullMQ, or inline with `eager: true`.
 * Usable from `onModuleInit()` on, not from constructors.
 *
 * @example
 * @Injectable()
 * export class SignupService {
 *   constructor(private readonly tasks: TaskClient) {}
 *   async signUp(email: string) {
 *     await this.tasks.ref(EmailTasks, 'send').delay(email, 'Welcome');
 *     const report = await this.tasks.delay<string>('reports.build', 'weekly');
 *     return report.get({ timeoutMs: 5000 });
 *   }
 * }
 */
@Injectable()
export class TaskClient {
  constructor(private readonly runtime: TasksRuntime) {}

  /**
   * Publishes a task by name with positional arguments (JSON values). `Result`
   * types what `get()` resolves to; prefer {@link TaskClient.ref} to have it checked.
   * The queue is the task's when this app provides it, else `'default'`: from an
   * app that does not, use `ref()` or `applyAsync(name, args, { queue })`.
   */
  delay<Result = unknown>(name: string, ...args: unknown[]): Promise<AsyncResult<Result>> {
    return this.runtime.executor('TaskClient.delay()').delay(name, ...args) as Promise<AsyncResult<Result>>;
  }

  /** Publishes a task by name with call options (`delayMs`, `eta`, `expiresMs`, `priority`, `queue`, `taskId`, `headers`…). */
  applyAsync<Result = unknown>(name: string, args: readonly unknown[] = [], options?: PublishOptions): Promise<AsyncResult<Result>> {
    return this.runtime.executor('TaskClient.applyAsync()').applyAsync(name, args, options) as Promise<AsyncResult<Result>>;
  }

  /**
   * A typed handle on the `@Task()` method `method` of `type`: arguments are
   * checked against its signature and results carry its return type. Needs only
   * the class, not a provider of it, so publish-only apps can use it too.
   * Throws `NotATaskError` if the method has no `@Task()`.
   */
  ref<Instance extends object, Method extends TaskMethodName<Instance>>(
    type: TaskClass<Instance>,
    method: Method,
  ): TaskRef<TaskArgs<Instance[Method]>, TaskResult<Instance[Method]>> {
    return createTaskRef(type, method, this);
  }

  /** A handle on a task by id, e.g. one kept from an earlier call. */
  result<Result = unknown>(taskId: string): AsyncResult<Result> {
    return this.runtime.executor('TaskClient.result()').result(taskId) as AsyncResult<Result>;
  }

  /**
   * Periodic tasks: `upsert(id, spec)`, `remove(id)`, `get(id)`, `list()`, `runNow(id)`.
   * Schedules made here are `runtime` ones, which bootstrap never touches.
   */
  get schedules(): TaskSchedules {
    return this.runtime.schedules('TaskClient.schedules');
  }

  /** Revokes a task by id; with `terminate: true` a running task is aborted too. */
  revoke(taskId: string, options?: RevokeOptions): Promise<RevokeOutcome> {
    return this.runtime.executor('TaskClient.revoke()').revoke(taskId, options);
  }
}
