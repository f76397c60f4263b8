import { TasksError } from './tasks.error';

/**
 * A receiver or hook did not settle within `receiverTimeoutMs`: the dispatch went on
 * without it (its promise is left to settle), and the task's outcome is unchanged.
 * It is the receiver's response in what `send()` resolves to, and is logged.
 */
export class ReceiverTimeoutError extends TasksError {
  /** The signal (or `hook <name>`) that was waiting. */
  readonly signalName: string;
  /** The receiver's function name, or the hook's `Class.method`. */
  readonly receiverName: string;
  readonly timeoutMs: number;

  constructor(signalName: string, receiverName: string, timeoutMs: number) {
    super(
      `Receiver ${receiverName} of ${signalName} did not settle within ${timeoutMs} ms; the dispatch went on without it. ` +
        `Make it settle sooner (await less, or hand slow work to a task), or raise receiverTimeoutMs.`,
    );
    this.signalName = signalName;
    this.receiverName = receiverName;
    this.timeoutMs = timeoutMs;
  }
}
