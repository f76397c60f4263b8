import { TasksError } from './tasks.error';

/**
 * A task argument or result holds something JSON can not carry faithfully
 * (a function, symbol, BigInt, cycle, class instance…). Thrown before anything is sent.
 *
 * @example
 * // new SerializationError('args[1].when', 'a Date instance is not JSON; pass a string or number instead')
 * // message: "Cannot send args[1].when: a Date instance is not JSON; pass a string or number instead"
 */
export class SerializationError extends TasksError {
  /** Where the bad value sits, e.g. `'args[1].user.tags[0]'`. */
  readonly path: string;
  /** What is wrong with the value and what to send instead. */
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(`Cannot send ${path}: ${reason}`);
    this.path = path;
    this.reason = reason;
  }
}
