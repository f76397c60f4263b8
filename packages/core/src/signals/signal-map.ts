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
import type { AnySignal, SignalEventOf } from './signal';

/**
 * Signal names and their payloads. Add your own signals by declaration merging,
 * so that they are type-checked by name wherever a name is accepted:
 *
 * @example
 * declare module '@tasks/core' {
 *   interface SignalMap { order_placed: OrderPlaced }
 * }
 */
export interface SignalMap {
  before_task_publish: BeforeTaskPublishPayload;
  after_task_publish: AfterTaskPublishPayload;
  task_received: TaskReceivedPayload;
  task_prerun: TaskPrerunPayload;
  task_success: TaskSuccessPayload;
  task_retry: TaskRetryPayload;
  task_failure: TaskFailurePayload;
  task_postrun: TaskPostrunPayload;
  task_revoked: TaskRevokedPayload;
  task_unknown: TaskUnknownPayload;
  task_rejected: TaskRejectedPayload;
  task_internal_error: TaskInternalErrorPayload;
  worker_init: WorkerPayload;
  worker_ready: WorkerPayload;
  worker_shutting_down: WorkerShutdownPayload;
  worker_shutdown: WorkerShutdownPayload;
}

/** A signal name known to {@link SignalMap}. */
export type SignalName = keyof SignalMap & string;

/**
 * The event a receiver of signal `Name` gets: its payload plus `signal` and `sender`.
 *
 * @example
 * @OnSignal('task_success')
 * done(event: SignalEvent<'task_success'>) { console.log(event.sender, event.runtimeMs); }
 */
export type SignalEvent<Name extends SignalName> = SignalEventOf<SignalMap[Name], Name>;

/** A signal given by name (type-checked through {@link SignalMap}) or as the object `defineSignal` returned. */
export type SignalRef = SignalName | AnySignal;
