import { Injectable } from '@nestjs/common';
import type { StatusCheckOptions, TasksStatus } from '@tasks/bullmq';
import { TasksRuntime } from './tasks.runtime';

/**
 * The health of this app's tasks: Redis reachability (a PING within a deadline),
 * the worker's state (`starting`, `running`, `draining`, `closed`) and the depth of
 * the app's queues. Needs nothing but TasksModule; with `@nestjs/terminus`, use
 * `TasksHealthIndicator` from `@tasks/nestjs/terminus`, which reads the same status.
 *
 * @example
 * @Controller('ready')
 * export class ReadyController {
 *   constructor(private readonly tasks: TasksHealth) {}
 *   @Get()
 *   async ready(): Promise<TasksStatus> {
 *     const status = await this.tasks.status({ timeoutMs: 500 });
 *     if (!status.ok) throw new ServiceUnavailableException(status);
 *     return status;
 *   }
 * }
 */
@Injectable()
export class TasksHealth {
  constructor(private readonly runtime: TasksRuntime) {}

  /** Never throws; `ok` is false while Redis does not answer or the worker is not running. */
  status(options?: StatusCheckOptions): Promise<TasksStatus> {
    return this.runtime.status(options);
  }
}
