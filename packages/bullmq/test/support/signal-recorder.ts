import { builtinSignals, TaskContext, type TaskHooks, type TaskState } from '@tasks/core';

const PUBLISHER_SIGNALS = new Set(['before_task_publish', 'after_task_publish']);

/**
 * Records, in one list, every built-in signal sent by one task (filtered by sender)
 * and every class hook called, so a test can compare whole sequences.
 */
export class SignalRecorder {
  /** What the publisher sent, before the task reached a worker. */
  readonly published: string[] = [];
  /** What the worker sent and called, in order (a retry's publish signals included). */
  readonly events: string[] = [];
  private readonly offs: (() => boolean)[] = [];

  constructor(readonly taskName: string) {
    for (const signal of Object.values(builtinSignals)) {
      this.offs.push(
        signal.connect(
          (event: object) => {
            const state = (event as { state?: TaskState }).state;
            // A retry's publish signals fire in the worker, inside the attempt's context; the call's own outside any.
            const list = PUBLISHER_SIGNALS.has(signal.name) && TaskContext.find() === undefined ? this.published : this.events;
            list.push(state ? `${signal.name}(${state})` : signal.name);
          },
          { sender: taskName },
        ),
      );
    }
  }

  record(event: string): void {
    this.events.push(event);
  }

  dispose(): void {
    this.offs.forEach((off) => off());
  }
}

/** Class hooks that write to the recorder of the task they run for. */
export class RecordingHooks implements TaskHooks {
  constructor(private readonly recorders: Map<string, SignalRecorder>) {}

  beforeStart(context: TaskContext): void {
    this.recorders.get(context.name)?.record('beforeStart');
  }
  onSuccess(_result: unknown, context: TaskContext): void {
    this.recorders.get(context.name)?.record('onSuccess');
  }
  onRetry(_error: Error, context: TaskContext): void {
    this.recorders.get(context.name)?.record('onRetry');
  }
  onFailure(_error: Error, context: TaskContext): void {
    this.recorders.get(context.name)?.record('onFailure');
  }
  afterReturn(_state: TaskState, _retval: unknown, context: TaskContext): void {
    this.recorders.get(context.name)?.record('afterReturn');
  }
}
