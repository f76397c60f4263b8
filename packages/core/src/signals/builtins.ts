import type {
  AfterTaskPublishPayload,
  BeforeTaskPublishPayload,
  TaskFailurePayload,
  TaskInternalErrorPayload,
  TaskPostrunPayload,
  TaskPrerunPayload,
  TaskReceivedPayload,
  TaskRejectedPayload,
  TaskRetryPayload,
  TaskRevokedPayload,
  TaskSuccessPayload,
  TaskUnknownPayload,
  WorkerPayload,
  WorkerShutdownPayload,
} from './builtin-payloads';
import { defineSignal } from './define-signal';

/** In the publisher, before the task is written; receivers may change `headers` and `options`. */
export const beforeTaskPublish = defineSignal<BeforeTaskPublishPayload>('before_task_publish');
/** In the publisher, once Redis accepted the task. */
export const afterTaskPublish = defineSignal<AfterTaskPublishPayload>('after_task_publish');
/** In the worker, when it takes a task, before any wait. */
export const taskReceived = defineSignal<TaskReceivedPayload>('task_received');
/** In the worker, before the body runs. */
export const taskPrerun = defineSignal<TaskPrerunPayload>('task_prerun');
/** In the worker, after the body returned. */
export const taskSuccess = defineSignal<TaskSuccessPayload>('task_success');
/** In the worker, after a failed attempt for which another is scheduled. */
export const taskRetry = defineSignal<TaskRetryPayload>('task_retry');
/** In the worker, on the final failure only. */
export const taskFailure = defineSignal<TaskFailurePayload>('task_failure');
/** In the worker, after every attempt. */
export const taskPostrun = defineSignal<TaskPostrunPayload>('task_postrun');
/** In the worker or client: revoked, expired or terminated. */
export const taskRevoked = defineSignal<TaskRevokedPayload>('task_revoked');
/** In the worker: no task of that name is registered there. */
export const taskUnknown = defineSignal<TaskUnknownPayload>('task_unknown');
/** In the worker: a message that can not be decoded. */
export const taskRejected = defineSignal<TaskRejectedPayload>('task_rejected');
/** In the worker: a hook or the library failed outside the body. */
export const taskInternalError = defineSignal<TaskInternalErrorPayload>('task_internal_error');
/** In the worker, once it is created. */
export const workerInit = defineSignal<WorkerPayload>('worker_init');
/** In the worker, once it takes tasks. */
export const workerReady = defineSignal<WorkerPayload>('worker_ready');
/** In the worker, when a drain starts. */
export const workerShuttingDown = defineSignal<WorkerShutdownPayload>('worker_shutting_down');
/** In the worker, when the drain is over. */
export const workerShutdown = defineSignal<WorkerShutdownPayload>('worker_shutdown');

/** The built-in signals by name. */
export const builtinSignals = {
  before_task_publish: beforeTaskPublish,
  after_task_publish: afterTaskPublish,
  task_received: taskReceived,
  task_prerun: taskPrerun,
  task_success: taskSuccess,
  task_retry: taskRetry,
  task_failure: taskFailure,
  task_postrun: taskPostrun,
  task_revoked: taskRevoked,
  task_unknown: taskUnknown,
  task_rejected: taskRejected,
  task_internal_error: taskInternalError,
  worker_init: workerInit,
  worker_ready: workerReady,
  worker_shutting_down: workerShuttingDown,
  worker_shutdown: workerShutdown,
} as const;
