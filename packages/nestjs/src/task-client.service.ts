import { Injectable } from '@nestjs/common';
import {
  Chain,
  Chord,
  Group,
  Signature,
  type AsyncResult,
  type CanvasNode,
  type ChainSteps,
  type ChordCallback,
  type GroupInput,
  type GroupResults,
  type InputOf,
  type LastOf,
  type PublishOptions,
  type ResultOf,
  type RevokeOptions,
  type RevokeOutcome,
  type TaskSchedules,
} from '@tasks/core';
import { TaskCanvasRunner } from './task-canvas';
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
  /** @internal Publishes the signatures and canvases this client builds. */
  readonly canvasRunner: TaskCanvasRunner;

  constructor(private readonly runtime: TasksRuntime) {
    this.canvasRunner = new TaskCanvasRunner(runtime);
  }

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

  /**
   * A signature of a task by name, for a task this app does not provide (its class
   * lives in another app); prefer `ref(Class, 'method').s()` when it does. `Result`
   * types its result, so that the next step of a chain can be checked against it.
   */
  signature<Result = unknown>(name: string, args: readonly unknown[] = [], options: PublishOptions = {}): Signature<unknown, Result> {
    return new Signature<unknown, Result>(name, args, options, false, this.canvasRunner);
  }

  /**
   * Steps run one after another, each getting the previous result as its first
   * argument (Celery's `chain`); `delay()` resolves to the last step's result. tsc
   * rejects a step whose first parameter can not take the previous step's result.
   *
   * @example
   * const last = await tasks.chain(charge.s(orderId), receipt.s(), fulfil.s()).delay();
   */
  chain<const Steps extends readonly [CanvasNode, ...CanvasNode[]]>(...steps: Steps & ChainSteps<Steps>): Chain<InputOf<Steps[0]>, ResultOf<LastOf<Steps>>> {
    return new Chain(steps, this.canvasRunner);
  }

  /** Members run in parallel (Celery's `group`); `delay()` resolves to a `GroupResult`. */
  group<const Members extends readonly CanvasNode[]>(members: Members): Group<GroupInput<Members>, GroupResults<Members>> {
    return new Group(members, this.canvasRunner);
  }

  /**
   * The header's results, in order, go to `callback` once every member succeeded
   * (Celery's `chord`); a member failing for good fails it with `ChordError`.
   */
  chord<const Members extends readonly CanvasNode[], Callback extends CanvasNode>(
    header: Members,
    callback: Callback & ChordCallback<Members, Callback>,
  ): Chord<GroupInput<Members>, ResultOf<Callback>> {
    return new Chord(header, callback, this.canvasRunner);
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
