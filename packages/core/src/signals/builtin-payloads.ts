import type { TaskContext } from '../context/task-context';
import type { JsonValue } from '../serialization/json-value';
import type { PublishOptions, TaskHeaders, TaskRequest } from '../tasks/task-message';
import type { TaskState } from '../tasks/task-state';

// Payloads of the built-in signals. Every event also carries `signal` (the name)
// and `sender`: the task name for task signals, the worker's name for worker signals.

/** `before_task_publish`: in the publisher, before the task is written. Receivers may change `headers` and `options`. */
export interface BeforeTaskPublishPayload {
  taskId: string;
  args: readonly JsonValue[];
  /**
   * Change it in place (`event.headers.tenant = 't1'`): what receivers leave in it is what gets sent.
   * Read-only because receivers get a copy of the event, so assigning a new object would be lost.
   */
  readonly headers: TaskHeaders;
  /**
   * Change it in place (`event.options.queue = 'bulk'`, or replace `event.options.headers`): what
   * receivers leave in it is what gets sent, `taskId` excepted (it is fixed by now).
   */
  readonly options: PublishOptions;
}

/** `after_task_publish`: in the publisher, once Redis accepted the task. */
export interface AfterTaskPublishPayload {
  taskId: string;
  args: readonly JsonValue[];
  headers: TaskHeaders;
  queue: string;
}

/** `task_received`: in the worker, when it takes the task, before any wait. */
export interface TaskReceivedPayload {
  taskId: string;
  args: readonly JsonValue[];
  request: TaskRequest;
}

/** `task_prerun`: in the worker, before the body runs. */
export interface TaskPrerunPayload {
  taskId: string;
  args: readonly JsonValue[];
  context: TaskContext;
}

/** `task_success`: in the worker, after the body returned. */
export interface TaskSuccessPayload {
  taskId: string;
  args: readonly JsonValue[];
  result: unknown;
  /** Time the body took, in milliseconds. */
  runtimeMs: number;
}

/** `task_retry`: in the worker, after an attempt failed and another was scheduled. */
export interface TaskRetryPayload {
  taskId: string;
  args: readonly JsonValue[];
  error: Error;
  /** Number of the attempt that failed, from 1. */
  attempt: number;
  /** Wait before the next attempt. */
  delayMs: number;
}

/** `task_failure`: in the worker, on the final failure, once no retry is left. */
export interface TaskFailurePayload {
  taskId: string;
  args: readonly JsonValue[];
  error: Error;
  /** Attempts made in all. */
  attempts: number;
}

/** `task_postrun`: in the worker, after every attempt, whatever its outcome. */
export interface TaskPostrunPayload {
  taskId: string;
  args: readonly JsonValue[];
  /** The result on success, else the error. */
  retval: unknown;
  state: TaskState;
}

/** `task_revoked`: in the worker or the client, when a task is revoked, expired or terminated. */
export interface TaskRevokedPayload {
  taskId: string;
  /** The task was running and its abort signal fired. */
  terminated: boolean;
  /** The task expired before it started. */
  expired: boolean;
  reason: string;
}

/** `task_unknown`: in the worker, for a task name nobody registered there. The sender is that name. */
export interface TaskUnknownPayload {
  taskId: string;
  name: string;
  error: Error;
}

/** `task_rejected`: in the worker, for a message it can not decode. The sender is the worker's name. */
export interface TaskRejectedPayload {
  jobId: string;
  error: Error;
}

/** `task_internal_error`: in the worker, when a hook or the library failed outside the body. */
export interface TaskInternalErrorPayload {
  taskId: string;
  args: readonly JsonValue[];
  error: Error;
}

/** `worker_init` and `worker_ready`: the worker was created / is taking tasks. */
export interface WorkerPayload {
  queues: readonly string[];
  concurrency: number;
}

/**
 * `worker_shutting_down` and `worker_shutdown`: a drain started / finished.
 * Celery's `sig` is `processSignal` here, since `signal` names the signal on every event.
 */
export interface WorkerShutdownPayload {
  /** `warm` waits for running tasks; `cold` does not. */
  how: 'warm' | 'cold';
  /** The process signal behind the shutdown (`'SIGTERM'`), if any. */
  processSignal?: string;
}
