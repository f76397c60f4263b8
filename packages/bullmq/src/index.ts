// Public API of @tasks/bullmq.
export { BullmqExecutor } from './publisher/bullmq-executor';
export { TASKS_BACKOFF } from './message/protocol';
export type { BullmqExecutorOptions } from './publisher/bullmq-executor';
export { TaskWorker } from './worker/task-worker';
export type { TaskWorkerOptions, CloseWorkerOptions } from './worker/task-worker';
export type { BullmqConnectionOptions, BullmqPassThroughOptions, ClusterKeyOptions, RedisClusterConnection, RedisConnection, ResultRetention } from './options';
export { BULLMQ_DEFAULTS } from './defaults';
export { rateLimitIntervalMs } from './worker/rate-limiter';
export { BullmqSchedules } from './schedules/bullmq-schedules';
export type { ReconcileOutcome } from './schedules/bullmq-schedules';
export { EagerSchedules } from './schedules/eager-schedules';
export { checkSchedules } from './schedules/declared-schedules';
export type { DeclaredSchedules } from './schedules/declared-schedules';
export { nextRunAt } from './schedules/next-run';
export type { ScheduleTimes } from './schedules/next-run';
