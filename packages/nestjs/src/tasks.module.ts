import { Module, type DynamicModule } from '@nestjs/common';
import { TasksControl } from '@tasks/bullmq';
import { DiscoveryModule } from '@nestjs/core';
import { SignalBus } from './signal-bus.service';
import { TaskClient } from './task-client.service';
import { TASKS_OPTIONS } from './tasks.constants';
import { TasksControlCloser, tasksControlProvider } from './tasks.control';
import { TasksExplorer } from './tasks.explorer';
import { TasksHealth } from './tasks.health';
import { TasksImportCheck, withImportSite } from './tasks.import-check';
import { TasksLifecycle } from './tasks.lifecycle';
import { ConfigurableTasksModule, TASKS_MODULE_OPTIONS, type TasksModuleAsyncOptions } from './tasks.module-definition';
import { resolveTasksOptions, type TasksModuleOptions } from './tasks.options';
import { TasksRuntime } from './tasks.runtime';

/**
 * Background tasks and signals for a NestJS app. Import it once, in the root
 * module; it is global, so `TaskClient`, `SignalBus`, `TasksControl` and `TasksHealth`
 * can be injected anywhere. A second `forRoot()` / `forRootAsync()` in the same app
 * fails at bootstrap with `DuplicateTasksModuleError`, naming both imports.
 *
 * At startup it finds every `@Task()` and `@OnSignal()` method on the app's
 * providers and controllers (default-scoped ones: request-scoped and transient
 * providers are skipped with a warning), registers the tasks, connects the
 * receivers, connects to Redis and starts the worker. It fails before any
 * worker starts on a duplicate task name, an `@OnSignal()` of an unknown signal
 * or an unreachable Redis. `app.close()` drains the worker (firing
 * `worker_shutting_down` then `worker_shutdown`) and disconnects everything.
 *
 * Signals are process-wide: two apps in one process (as in some tests) see each
 * other's signals while both run.
 *
 * @example
 * // Worker and publisher in one app:
 * @Module({
 *   imports: [TasksModule.forRoot({ connection: 'redis://127.0.0.1:6379', worker: { concurrency: 10 } })],
 *   providers: [EmailTasks, Audit],
 * })
 * export class AppModule {}
 *
 * // An HTTP API that only publishes, configured from another provider:
 * TasksModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ connection: config.get('REDIS_URL'), worker: false }),
 * });
 *
 * // In tests: tasks run inline with the same signals, no Redis needed.
 * await Test.createTestingModule({ imports: [TasksModule.forRoot({ eager: true })], providers: [EmailTasks] }).compile();
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: TASKS_OPTIONS, useFactory: resolveTasksOptions, inject: [TASKS_MODULE_OPTIONS] },
    TasksRuntime,
    TasksExplorer,
    TasksImportCheck,
    TasksLifecycle,
    TaskClient,
    SignalBus,
    tasksControlProvider,
    TasksControlCloser,
    TasksHealth,
  ],
  exports: [TaskClient, SignalBus, TasksControl, TasksHealth],
})
export class TasksModule extends ConfigurableTasksModule {
  /** Configures the module with options known up front; see {@link TasksModuleOptions}. */
  static override forRoot(options: TasksModuleOptions = {}): DynamicModule {
    return withImportSite(super.forRoot(options), 'TasksModule.forRoot()', TasksModule.forRoot);
  }

  /** Configures the module with options from other providers (`useFactory` + `inject`, `useClass`, `useExisting`). */
  static override forRootAsync(options: TasksModuleAsyncOptions): DynamicModule {
    // Nest types `useFactory`'s parameters as `any[]`; ours are `never[]` so no `any` shows in the API.
    const module = super.forRootAsync(options as Parameters<typeof ConfigurableTasksModule.forRootAsync>[0]);
    return withImportSite(module, 'TasksModule.forRootAsync()', TasksModule.forRootAsync);
  }
}
