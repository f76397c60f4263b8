import { TasksError } from './tasks.error';

/** A signal was referred to by a name no `defineSignal()` call has registered. */
export class UnknownSignalError extends TasksError {
  /** The name that matched no signal. */
  readonly signalName: string;
  /** Where the name was used, e.g. `'Audit#placed'`, when known. */
  readonly where: string | undefined;

  constructor(signalName: string, where?: string) {
    const at = where === undefined ? '' : ` (used by ${where})`;
    super(
      `Unknown signal "${signalName}"${at}. Define it with defineSignal('${signalName}') in a module ` +
        `imported before bootstrap, or fix the name.`,
    );
    this.signalName = signalName;
    this.where = where;
  }
}
