import type { TaskContext } from '../context/task-context';
import type { TaskState } from './task-state';

/**
 * Optional class-level hooks of the class that holds `@Task()` methods, called for
 * each of its tasks in Celery's order (see the signals reference). A hook that
 * throws is logged and reported through `task_internal_error`; it does not change
 * the task's outcome, except `beforeStart`, whose error fails the attempt.
 */
export interface TaskHooks {
  /** Before the body runs. */
  beforeStart?(context: TaskContext): unknown;
  /** After the body returned, before `task_success`. */
  onSuccess?(result: unknown, context: TaskContext): unknown;
  /** After a failed attempt for which another is scheduled, before `task_retry`. */
  onRetry?(error: Error, context: TaskContext): unknown;
  /** After the final failure, before `task_failure`. */
  onFailure?(error: Error, context: TaskContext): unknown;
  /** After success or final failure, before `task_postrun`. */
  afterReturn?(state: TaskState, retval: unknown, context: TaskContext): unknown;
}
