import { TasksError } from './tasks.error';

/**
 * A call's options (`applyAsync(name, args, options)`) are not valid. Thrown
 * before anything is sent.
 *
 * @example
 * // message: "Invalid option priority for task emails.send: expected an integer from 1 to 2097152, got 0."
 */
export class InvalidPublishOptionsError extends TasksError {
  readonly taskName: string;
  readonly option: string;

  constructor(taskName: string, option: string, expected: string, got: string) {
    super(`Invalid option ${option} for task ${taskName}: expected ${expected}, got ${got}.`);
    this.taskName = taskName;
    this.option = option;
  }
}
