// `@tasks/core/internal`: what executors and integrations of ours need and users do not.
// Not part of the public API: it may change in any release.
export { CORE_DEFAULTS } from './defaults';
export { TasksMetadata, TASK_METADATA, ON_SIGNAL_METADATA } from './metadata';
export type { TaskMetadata, SignalHandlerMetadata } from './metadata';
export type { TaskContextInit } from './context/task-context';
export { disableTaskContext } from './context/task-context';
export { READY_STATES } from './tasks/task-state';
export { backoffDelay, DEFAULT_RETRY_BACKOFF } from './tasks/retry-backoff';
export { retryDelay, retriesLeft, reportedError } from './tasks/retry-policy';
export type { RetryPolicyOptions, UnrecoverableCheck } from './tasks/retry-policy';
export { assertJson, assertJsonArgs } from './serialization/json-guard';
export { preparePublish, draftPublish, completePublish, checkPublishOptions } from './publish/prepare-publish';
export type { PreparedPublish } from './publish/prepare-publish';
export { traceAttempt } from './tracer/trace-attempt';
export { AttemptAbort } from './tracer/attempt-abort';
export type { AttemptOutcome, AttemptOptions } from './tracer/trace-attempt';
export { tasksLogger } from './logging/logger';
export { toError } from './utils/to-error';
export { planTasks, lastTaskId, publishOptionsOf } from './canvas/canvas-plan';
export type { CanvasPlan, PlannedNode, PlannedTask, PlannedChain, PlannedGroup, PlannedChord, PlannedOptions } from './canvas/canvas-plan';
export { readCanvasIds } from './canvas/canvas-ids';
// The Redis bridge of cluster signals (@tasks/bullmq).
export { definedSignals, localClusterInterests } from './signals/define-signal';
export { onClusterInterestChange } from './signals/cluster-hub';
export type { ClusterInterest } from './signals/cluster-hub';
export type { SignalTap } from './signals/signal';
export { toRemotePayload } from './signals/remote-event';
