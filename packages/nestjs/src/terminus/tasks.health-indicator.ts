import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { StatusCheckOptions } from '@tasks/bullmq';
import { TasksHealth } from '../tasks.health';

/**
 * A `@nestjs/terminus` health indicator for the app's tasks: `up` while Redis answers
 * a PING within the deadline and the worker (if the app runs one) takes jobs, `down`
 * otherwise, so `/health` answers 503. The details carry the Redis latency or error,
 * the worker's name and state, and the depth of each queue. Provide it in the module
 * that imports `TerminusModule`.
 *
 * @example
 * @Controller('health')
 * export class HealthController {
 *   constructor(private readonly health: HealthCheckService, private readonly tasks: TasksHealthIndicator) {}
 *   @Get()
 *   @HealthCheck()
 *   check() {
 *     return this.health.check([() => this.tasks.isHealthy('tasks', { timeoutMs: 500 })]);
 *   }
 * }
 *
 * @Module({ imports: [TerminusModule], controllers: [HealthController], providers: [TasksHealthIndicator] })
 * export class HealthModule {}
 */
@Injectable()
export class TasksHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly health: TasksHealth,
  ) {}

  /** Reports under `key` (default `'tasks'`); `timeoutMs` bounds the PING (default 500). */
  async isHealthy<const Key extends string = 'tasks'>(key?: Key, options?: StatusCheckOptions): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check((key ?? 'tasks') as Key);
    const { ok, redis, worker, queues } = await this.health.status(options);
    const details = { redis: redis ?? 'eager mode: no Redis', worker: worker ?? 'none in this app', queues };
    return ok ? indicator.up(details) : indicator.down(details);
  }
}
