import type { TaskOptions } from '../tasks/task-options';

/** What `@Task()` records about one method. */
export interface TaskMetadata {
  /** Resolved task name: the explicit `name`, or `ClassName.methodName`. */
  readonly name: string;
  /** Name of the decorated method on its class. */
  readonly methodName: string;
  /** The options as given to `@Task()` (a name string becomes `{ name }`). */
  readonly options: Readonly<TaskOptions>;
}

/** What one `@OnSignal()` records about the method it decorates. */
export interface SignalHandlerMetadata {
  /** Name of the signal to receive. */
  readonly signal: string;
  /** Only receive sends from this sender (a task name for task signals). */
  readonly sender?: string;
  /** Connect at most one receiver under this id. */
  readonly dispatchUid?: string;
  /** `'cluster'`: hear sends of every process on the same Redis and prefix. */
  readonly scope?: 'cluster';
}
