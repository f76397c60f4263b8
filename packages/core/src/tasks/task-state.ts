/**
 * Life states of a task, as in Celery.
 *
 * `PENDING` is also the state of an id nobody knows, as in Celery.
 */
export const TaskState = {
  PENDING: 'PENDING',
  RECEIVED: 'RECEIVED',
  STARTED: 'STARTED',
  RETRY: 'RETRY',
  SUCCESS: 'SUCCESS',
  FAILURE: 'FAILURE',
  REVOKED: 'REVOKED',
} as const;

/** One of the {@link TaskState} values. */
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/** States a task does not leave. */
export const READY_STATES: ReadonlySet<TaskState> = new Set([TaskState.SUCCESS, TaskState.FAILURE, TaskState.REVOKED]);
