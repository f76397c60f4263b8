import type { TestingModule } from '@nestjs/testing';
import { TaskClient, TasksControl, TasksModule } from '@tasks/nestjs';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ChargeTasks, ChargeWatch } from './fixtures/charge-watch';
import { startApp } from './support/start-app';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('TasksModule: cluster receivers and TasksControl', () => {
  let app: TestingModule | undefined;
  let prefix: string;

  beforeEach(() => (prefix = `test-${randomUUID()}`));
  afterEach(async () => {
    await app?.close();
    app = undefined;
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('connects @OnSignal(…, { scope: "cluster" }) to the stream, and injects TasksControl', async () => {
    app = await startApp({
      imports: [TasksModule.forRoot({ connection: REDIS_URL, prefix, worker: { name: 'nest-worker', concurrency: 2 } })],
      providers: [ChargeTasks, ChargeWatch],
    });
    const tasks = app.get(TaskClient);
    const watch = app.get(ChargeWatch);
    const result = await tasks.delay('cluster.charge', 3);
    await watch.until(1);
    expect(watch.heard[0]).toMatchObject({ signal: 'task_success', sender: 'cluster.charge', taskId: result.id, result: 300, origin: { name: 'nest-worker', pid: process.pid } });

    const control = app.get(TasksControl);
    expect(control).toBe(watch.control);
    expect((await control.ping()).map((p) => p.worker)).toEqual(['nest-worker']);
    const registered = await control.inspect('registered');
    expect(registered[0]!.value).toEqual(['cluster.charge']);
  });
});
