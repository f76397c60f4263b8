import { TasksError } from './tasks.error';

/**
 * The worker running a task died, or the task stalled more often than allowed,
 * so it is failed instead of being run again.
 */
export class WorkerLostError extends TasksError {
  readonly taskName: string;
  readonly taskId: string;

  constructor(taskName: string, taskId: string) {
    super(
      `Task ${taskName}[${taskId}] was lost: the worker running it died or it stalled too often. ` +
        `Check the worker logs for crashes or out-of-memory kills, and keep CPU-bound work from ` +
        `blocking the event loop (it stops the job lock from being renewed).`,
    );
    this.taskName = taskName;
    this.taskId = taskId;
  }
}
