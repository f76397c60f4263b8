import { TasksError } from './tasks.error';

/** `TaskContext.current()` was called where no task is running. */
export class TaskContextError extends TasksError {
  constructor(
    message = 'TaskContext.current() was called outside a running task. It only works inside a task body ' +
      'and the code it awaits; pass what you need as arguments to code that runs elsewhere.',
  ) {
    super(message);
  }
}
