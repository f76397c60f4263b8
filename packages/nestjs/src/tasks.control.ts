import { Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { TasksControl } from '@tasks/bullmq';
import { TASKS_OPTIONS } from './tasks.constants';
import type { ResolvedTasksOptions } from './tasks.options';

/**
 * `TasksControl` as a provider: the class of `@tasks/bullmq`, on the module's
 * Redis and prefix. It connects on first use.
 */
export const tasksControlProvider: Provider = {
  provide: TasksControl,
  useFactory: ({ connection, prefix, connectTimeoutMs, eventsMaxLength }: ResolvedTasksOptions) =>
    new TasksControl({ connection, prefix, connectTimeoutMs, eventsMaxLength }),
  inject: [TASKS_OPTIONS],
};

/** Closes the app's `TasksControl` with the app. */
@Injectable()
export class TasksControlCloser implements OnApplicationShutdown {
  constructor(private readonly control: TasksControl) {}

  async onApplicationShutdown(): Promise<void> {
    await this.control.close();
  }
}
