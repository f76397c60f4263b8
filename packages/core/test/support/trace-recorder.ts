import { builtinSignals, type Signal, type SignalEvent } from '../../src/signals';
import { TaskContext } from '../../src/context/task-context';
import type { TaskHooks } from '../../src/tasks/task-hooks';
import type { TaskState } from '../../src/tasks/task-state';

type BuiltinName = keyof typeof builtinSignals;

/**
 * Records, in one list, every built-in signal sent by one task (sender = its name)
 * and every class hook called, so that a test can assert the exact order.
 * `task_postrun` is recorded with its state: `task_postrun(SUCCESS)`.
 */
export class TraceRecorder {
  /** Signals and hooks in the order they happened; tests may push `body` too. */
  readonly steps: string[] = [];
  private readonly events = new Map<string, unknown[]>();
  private readonly disconnects: (() => boolean)[] = [];

  constructor(readonly taskName: string) {
    for (const [name, signal] of Object.entries(builtinSignals)) {
      const receiver = (event: { signal: string; state?: TaskState }) => {
        this.steps.push(name === 'task_postrun' ? `${name}(${String(event.state)})` : name);
        this.events.set(name, [...(this.events.get(name) ?? []), event]);
      };
      // Payload types differ per signal; the recorder only reads `signal` and `state`.
      this.disconnects.push((signal as unknown as Signal<{ state?: TaskState }>).connect(receiver, { sender: taskName }));
    }
  }

  /** Events of one signal, in order. */
  eventsOf<Name extends BuiltinName>(name: Name): SignalEvent<Name>[] {
    return (this.events.get(name) ?? []) as SignalEvent<Name>[];
  }

  /** Disconnects every receiver; call it in `afterEach`. */
  close(): void {
    for (const disconnect of this.disconnects) disconnect();
  }
}

/** Class hooks that record their calls into a recorder's steps, and the contexts they ran in. */
export class RecordingHooks implements TaskHooks {
  /** For each hook call, the id of `TaskContext.find()` at that moment. */
  readonly contexts: { hook: string; currentId: string | undefined }[] = [];

  constructor(private readonly steps: string[]) {}

  beforeStart(): void {
    this.record('beforeStart');
  }

  onSuccess(): void {
    this.record('onSuccess');
  }

  onRetry(): void {
    this.record('onRetry');
  }

  onFailure(): void {
    this.record('onFailure');
  }

  afterReturn(): void {
    this.record('afterReturn');
  }

  private record(hook: string): void {
    this.steps.push(hook);
    this.contexts.push({ hook, currentId: TaskContext.find()?.id });
  }
}

/** What one attempt of a task that succeeds looks like, from task_received on. */
export const SUCCESS_ATTEMPT = ['task_received', 'task_prerun', 'beforeStart', 'body', 'onSuccess', 'task_success', 'afterReturn', 'task_postrun(SUCCESS)'];

/** What one attempt that is retried looks like. */
export const RETRY_ATTEMPT = ['task_received', 'task_prerun', 'beforeStart', 'body', 'before_task_publish', 'after_task_publish', 'onRetry', 'task_retry', 'task_postrun(RETRY)'];

/** What the final attempt of a failed task looks like. */
export const FAILURE_ATTEMPT = ['task_received', 'task_prerun', 'beforeStart', 'body', 'onFailure', 'task_failure', 'afterReturn', 'task_postrun(FAILURE)'];

/** The publisher's part, before any attempt. */
export const PUBLISH = ['before_task_publish', 'after_task_publish'];
