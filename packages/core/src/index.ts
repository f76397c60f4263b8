// Public API of @tasks/core: what users import. What only executors and integrations
// of ours need (the tracer, publish preparation, metadata access) is in `@tasks/core/internal`.
export * from './signals';
export * from './errors';
export * from './decorators';
export { TaskContext } from './context/task-context';
export type { RetryOptions } from './context/task-context';
export { TaskState } from './tasks/task-state';
export type { TaskOptions, RetryBackoff, RateLimit, ErrorClass } from './tasks/task-options';
export type { TaskHooks } from './tasks/task-hooks';
export type { LinkedTask, PublishOptions, TaskHeaders, TaskRequest } from './tasks/task-message';
export * from './canvas';
export type { TaskDefinition, TaskHandler } from './tasks/task-definition';
export { SCHEDULE_ID_HEADER, SCHEDULED_FOR_HEADER } from './schedules/schedule-spec';
export type { ScheduleInfo, ScheduleInterval, ScheduleSource, ScheduleSpec, ScheduleTiming, TaskSchedules, TickOptions } from './schedules/schedule-spec';
export { TaskRegistry, DEFAULT_QUEUE } from './tasks/task-registry';
export type { RegisterTaskOptions } from './tasks/task-registry';
export type { AsyncResult, GetResultOptions, RevokeOptions, RevokeOutcome, TaskExecutor } from './tasks/async-result';
export type { JsonValue } from './serialization/json-value';
export { EagerExecutor } from './eager/eager-executor';
export { setTasksLogger } from './logging/logger';
export type { TasksLogger } from './logging/logger';
