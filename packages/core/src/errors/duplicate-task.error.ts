import { TasksError } from './tasks.error';

/** Two `@Task()` methods resolved to the same task name; names must be unique across the app. */
export class DuplicateTaskError extends TasksError {
  /** The name both tasks claim. */
  readonly taskName: string;
  /** The method registered first, e.g. `'EmailTasks#send'`. */
  readonly first: string;
  /** The method that collided with it. */
  readonly second: string;

  constructor(taskName: string, first: string, second: string) {
    super(
      `Task name "${taskName}" is used by both ${first} and ${second}. Task names must be unique: ` +
        `give one of them an explicit @Task({ name: '…' }).`,
    );
    this.taskName = taskName;
    this.first = first;
    this.second = second;
  }
}
