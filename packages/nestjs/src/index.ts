// Public API of @tasks/nestjs. Decorators, signals and errors of the core are
// imported from @tasks/core; this package adds the NestJS wiring.
export { TasksModule } from './tasks.module';
export type { TasksModuleAsyncOptions, TasksOptionsFactory } from './tasks.module-definition';
export type { TaskDefaults, TasksModuleOptions, TasksWorkerOptions } from './tasks.options';
export { SignalBus } from './signal-bus.service';
export { TaskClient } from './task-client.service';
// The same class as @tasks/bullmq's, provided on the module's Redis and prefix.
export { TasksControl } from '@tasks/bullmq';
export type { InspectValues, InspectWhat, TaskEvent, WorkerReply, WorkerStatus } from '@tasks/bullmq';
export { TasksHealth } from './tasks.health';
export type { QueueDepth, RedisStatus, StatusCheckOptions, TasksStatus, WorkerState } from '@tasks/bullmq';
export type { TaskArgs, TaskClass, TaskMethodName, TaskRef, TaskResult } from './task-ref';
export { DuplicateTasksModuleError, NotATaskError, TasksNotReadyError } from './errors';
