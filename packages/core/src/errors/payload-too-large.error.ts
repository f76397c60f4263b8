import { TasksError } from './tasks.error';

/**
 * A task's arguments and headers are larger than `maxPayloadBytes` once encoded.
 * Thrown before anything is sent; a worker that takes such a job (written by other
 * means) rejects it with this error.
 *
 * @example
 * // message: "Task reports.build: its payload is 20971520 bytes, over the 16777216-byte limit (maxPayloadBytes). ..."
 */
export class PayloadTooLargeError extends TasksError {
  readonly taskName: string;
  /** Encoded size in bytes (a lower bound when too large to encode at all). */
  readonly sizeBytes: number;
  readonly limitBytes: number;

  constructor(taskName: string, sizeBytes: number, limitBytes: number) {
    super(
      `Task ${taskName}: its payload is ${sizeBytes} bytes, over the ${limitBytes}-byte limit (maxPayloadBytes). ` +
        `Store large data elsewhere (a database, object storage) and pass a reference, or raise maxPayloadBytes.`,
    );
    this.taskName = taskName;
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }
}
