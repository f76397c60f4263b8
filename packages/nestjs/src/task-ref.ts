import { Signature, type ArgsAfterFirst, type AsyncResult, type CanvasRunner, type FirstArg, type NoInput, type PublishOptions } from '@tasks/core';
import { TasksMetadata } from '@tasks/core/internal';
import { NotATaskError } from './errors/not-a-task.error';

/** A class, abstract or not, whatever its constructor takes. */
export type TaskClass<Instance extends object> = abstract new (...args: never[]) => Instance;

/** Names of the methods of `Instance` (what `TaskClient.ref()` accepts as its second argument). */
export type TaskMethodName<Instance extends object> = {
  [Key in keyof Instance & string]: Instance[Key] extends (...args: never[]) => unknown ? Key : never;
}[keyof Instance & string];

/** The parameters of a task method: what its `delay()` takes. */
export type TaskArgs<Method> = Method extends (...args: infer Args) => unknown ? Args : never;

/** What a task method resolves to: what its `AsyncResult.get()` gives. */
export type TaskResult<Method> = Method extends (...args: never[]) => infer Returned ? Awaited<Returned> : never;

/**
 * A typed handle on one task, from `TaskClient.ref(Class, 'method')`: calls are
 * checked against the method's signature, and results carry its return type.
 * Calls go to the queue named in `@Task({ queue })` unless they name another.
 *
 * @example
 * const send = tasks.ref(EmailTasks, 'send');   // send(to: string, subject: string): Promise<string>
 * const result = await send.delay('a@b.c', 'hi'); // AsyncResult<string>
 * const id: string = await result.get();
 */
export interface TaskRef<Args extends readonly unknown[], Result> {
  /** The task's name, as `@Task()` resolved it. */
  readonly name: string;
  /** Publishes the task with these arguments. */
  delay(...args: Args): Promise<AsyncResult<Result>>;
  /** Publishes the task with these arguments and call options (`link`, `linkError` included). */
  applyAsync(args: Args, options?: PublishOptions): Promise<AsyncResult<Result>>;
  /**
   * A signature with every argument: it starts a chain, or is a group or chord member.
   * With the first argument left out it is partial: in a chain, or as a chord callback or
   * a `link`, the previous result becomes that first argument (Celery's `s()`).
   */
  s(...args: Args): Signature<NoInput, Result>;
  s(...args: ArgsAfterFirst<Args>): Signature<FirstArg<Args>, Result>;
  /** An immutable signature: it ignores the previous result (Celery's `si()`). */
  si(...args: Args): Signature<unknown, Result>;
}

/** Where a {@link TaskRef} publishes: the `TaskClient` that made it. */
interface TaskPublisher {
  applyAsync<Result>(name: string, args: readonly unknown[], options?: PublishOptions): Promise<AsyncResult<Result>>;
  /** Publishes the signatures the handle makes. */
  readonly canvasRunner: CanvasRunner;
}

/** Makes the handle for `type.prototype[method]`, which must carry `@Task()`. */
export function createTaskRef<Instance extends object, Method extends TaskMethodName<Instance>>(
  type: TaskClass<Instance>,
  method: Method,
  publisher: TaskPublisher,
): TaskRef<TaskArgs<Instance[Method]>, TaskResult<Instance[Method]>> {
  const target: unknown = (type.prototype as Record<string, unknown> | undefined)?.[method];
  const metadata = TasksMetadata.getTaskMetadata(target);
  if (!metadata) throw new NotATaskError(type.name, method);
  // The decorator's queue travels with the handle, so an app that publishes a
  // task without providing its class still routes it where its workers listen.
  const { name, options: { queue } } = metadata;
  const withQueue = (options: PublishOptions = {}): PublishOptions => (queue === undefined ? options : { queue, ...options });
  return {
    name,
    delay: (...args) => publisher.applyAsync(name, args, withQueue()),
    applyAsync: (args, options) => publisher.applyAsync(name, args, withQueue(options)),
    s: (...args: readonly unknown[]) => new Signature(name, args, withQueue(), false, publisher.canvasRunner),
    si: (...args: readonly unknown[]) => new Signature(name, args, withQueue(), true, publisher.canvasRunner),
  } as TaskRef<TaskArgs<Instance[Method]>, TaskResult<Instance[Method]>>;
}
