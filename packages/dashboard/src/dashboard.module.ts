import { Module, type DynamicModule } from '@nestjs/common';
import { DASHBOARD_OPTIONS } from './dashboard.constants';
import { DashboardData } from './dashboard.data';
import { ConfigurableDashboardModule, DASHBOARD_MODULE_OPTIONS, type TasksDashboardAsyncOptions } from './dashboard.module-definition';
import { resolveDashboardOptions, type TasksDashboardOptions } from './dashboard.options';
import { DashboardFeed } from './feed/dashboard.feed';
import { DashboardRoutes } from './http/dashboard.routes';

/**
 * A live dashboard of the app's tasks, mounted in its HTTP server (Express or
 * Fastify) at `path`: workers, tasks with filters, one task's signal timeline across
 * processes, throughput and latency charts, schedules; revoke, terminate, retry and
 * "run now" unless `readOnly`. It reads the Redis and prefix of `TasksModule`, which
 * must be imported too.
 *
 * Without a `guard` the app refuses to start unless `public: true` is given.
 *
 * @example
 * @Module({
 *   imports: [
 *     TasksModule.forRoot({ connection: 'redis://127.0.0.1:6379' }),
 *     TasksDashboardModule.forRoot({ path: '/tasks', guard: AdminGuard }),
 *   ],
 * })
 * export class AppModule {}
 */
@Module({
  providers: [
    { provide: DASHBOARD_OPTIONS, useFactory: resolveDashboardOptions, inject: [DASHBOARD_MODULE_OPTIONS] },
    DashboardFeed,
    DashboardData,
    DashboardRoutes,
  ],
})
export class TasksDashboardModule extends ConfigurableDashboardModule {
  /** Mounts the dashboard with options known up front; see {@link TasksDashboardOptions}. */
  static override forRoot(options: TasksDashboardOptions): DynamicModule {
    return super.forRoot(options);
  }

  /** Mounts the dashboard with options from other providers (`useFactory` + `inject`, `useClass`, `useExisting`). */
  static override forRootAsync(options: TasksDashboardAsyncOptions): DynamicModule {
    return super.forRootAsync(options);
  }
}
