import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { TasksDashboardModule, type TasksDashboardOptions } from '@tasks/dashboard';
import { TasksModule } from '@tasks/nestjs';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { DashTasks } from '../fixtures/dash.tasks';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export type Platform = 'express' | 'fastify';

export function uniquePrefix(): string {
  return `test-dash-${randomUUID()}`;
}

/** An app with a worker, the test tasks and the dashboard, listening on a free port. */
export async function startDashboard(
  platform: Platform,
  prefix: string,
  dashboard: TasksDashboardOptions | DynamicModule,
  /** `false` for a test that expects bootstrap to fail, so Nest logs nothing. */
  logs = true,
): Promise<{ app: INestApplication; url: string }> {
  @Module({
    imports: [
      TasksModule.forRoot({ connection: REDIS_URL, prefix, worker: { name: `dash-worker-${platform}`, concurrency: 4 } }),
      'module' in dashboard ? dashboard : TasksDashboardModule.forRoot(dashboard),
    ],
    providers: [DashTasks],
  })
  class AppModule {}

  const options = { abortOnError: false, logger: logs ? (['error'] as ['error']) : (false as const) };
  const app = platform === 'fastify' ? await NestFactory.create(AppModule, new FastifyAdapter(), options) : await NestFactory.create(AppModule, options);
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as Server).address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}` };
}

export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}
