import { TasksError } from './tasks.error';

/** `defineSignal()` was called with a name that a built-in or custom signal already uses. */
export class SignalAlreadyDefinedError extends TasksError {
  /** The name that is taken. */
  readonly signalName: string;

  constructor(signalName: string) {
    super(
      `A signal named "${signalName}" is already defined. Signal names are unique: pick another name, ` +
        `or import the existing signal object instead of defining it again.`,
    );
    this.signalName = signalName;
  }
}
