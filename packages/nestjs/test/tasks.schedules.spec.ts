import { Logger } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { InvalidScheduleError, UnknownScheduleTaskError, type ScheduleSpec } from '@tasks/core';
import { TaskClient, TasksModule, type TasksModuleOptions } from '@tasks/nestjs';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { BadCronTasks, DigestTasks } from './fixtures/digest.tasks';
import { closeFailedApp, compileApp, startApp } from './support/start-app';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const cleanup: Record<string, ScheduleSpec> = { 'digest-cleanup': { task: 'digest.build', cron: '0 2 * * *', args: [7] } };

describe('TasksModule schedules', () => {
  const redis = new Redis(REDIS_URL);
  let prefix: string;

  beforeEach(() => {
    prefix = `test-sched-${randomUUID().slice(0, 8)}`;
  });

  afterEach(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });

  afterAll(() => redis.quit());

  it('reconciles @Task() and config schedules at bootstrap, and gives TaskClient.schedules', async () => {
    const app = await startApp({ imports: [TasksModule.forRoot({ connection: REDIS_URL, prefix, schedules: cleanup })], providers: [DigestTasks] });
    try {
      const schedules = app.get(TaskClient).schedules;
      const list = await schedules.list();
      expect(list.map(({ id, task, source, queue }) => ({ id, task, source, queue }))).toEqual([
        { id: 'digest-cleanup', task: 'digest.build', source: 'config', queue: 'digests' },
        { id: 'digest.hourly', task: 'digest.hourly', source: 'code', queue: 'digests' },
      ]);
      expect(list[1]).toMatchObject({ cron: '0 * * * *', tz: 'Europe/Paris', args: [1] });
      expect(list[1]!.next!.getTime() % 3_600_000).toBe(0);

      const result = await schedules.runNow('digest-cleanup');
      await expect(result.get({ timeoutMs: 10_000 })).resolves.toBe('digest for 7');
      expect(app.get(DigestTasks).runs[0]).toMatchObject({ task: 'digest.build', args: [7], headers: { scheduleId: 'digest-cleanup' } });

      await schedules.upsert('digest-42', { task: 'digest.build', every: '1d', args: [42] });
      expect((await schedules.get('digest-42'))?.source).toBe('runtime');
    } finally {
      await app.close();
    }

    // The next version of the app, configured through forRootAsync, no longer has the config schedule.
    const next = await startApp({
      imports: [TasksModule.forRootAsync({ useFactory: (): TasksModuleOptions => ({ connection: REDIS_URL, prefix, schedules: {} }) })],
      providers: [DigestTasks],
    });
    try {
      expect((await next.get(TaskClient).schedules.list()).map((schedule) => schedule.id)).toEqual(['digest-42', 'digest.hourly']);
    } finally {
      await next.close();
    }
  });

  it('takes config schedules through forRootAsync', async () => {
    const app = await startApp({
      imports: [TasksModule.forRootAsync({ useFactory: async (): Promise<TasksModuleOptions> => ({ connection: REDIS_URL, prefix, schedules: cleanup, worker: false }) })],
      providers: [DigestTasks],
    });
    try {
      expect((await app.get(TaskClient).schedules.get('digest-cleanup'))?.source).toBe('config');
    } finally {
      await app.close();
    }
  });

  describe('in eager mode', () => {
    let app: TestingModule;

    afterEach(() => app.close());

    it('never runs a schedule by itself; runNow runs one tick inline', async () => {
      app = await startApp({ imports: [TasksModule.forRoot({ eager: true, schedules: { often: { task: 'digest.build', every: 1, args: [5] } } })], providers: [DigestTasks] });
      const tasks = app.get(TaskClient);
      const digests = app.get(DigestTasks);
      expect((await tasks.schedules.list()).map((schedule) => schedule.id)).toEqual(['digest.hourly', 'often']);
      expect(digests.runs).toEqual([]);

      const result = await tasks.schedules.runNow('often');
      await expect(result.get()).resolves.toBe('digest for 5');
      expect(digests.runs).toHaveLength(1);
      expect(digests.runs[0]!.headers).toEqual({ scheduleId: 'often', scheduledFor: (await tasks.schedules.get('often'))!.last!.toISOString() });

      await expect(tasks.schedules.upsert('digest.hourly', { task: 'digest.hourly', every: '1m' })).rejects.toThrow(/is a code schedule/);
      await tasks.schedules.upsert('later', { task: 'digest.build', cron: '0 4 * * *', args: [9] });
      expect(await tasks.schedules.remove('later')).toBe(true);
      expect(digests.runs).toHaveLength(1);
    });
  });

  describe('bootstrap fails before connecting to Redis', () => {
    // A dead Redis with a long timeout: these errors must come before any connection attempt.
    const deadRedis = { connection: 'redis://127.0.0.1:1', connectTimeoutMs: 60_000 };

    async function bootstrapError(options: TasksModuleOptions, providers: Array<typeof DigestTasks | typeof BadCronTasks>): Promise<unknown> {
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        const app = await compileApp({ imports: [TasksModule.forRoot(options)], providers });
        const error = await app.init().then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        await closeFailedApp(app);
        return error;
      } finally {
        logged.mockRestore();
      }
    }

    it('on an invalid cron in @Task(), naming the task and method', async () => {
      const error = await bootstrapError(deadRedis, [BadCronTasks]);
      expect(error).toBeInstanceOf(InvalidScheduleError);
      expect(error).toMatchObject({ scheduleId: 'reports.broken', declaredIn: '@Task() on BadCronTasks#broken' });
      expect((error as Error).message).toMatch(/cron '0 25 \* \* \*' is not a valid cron expression/);
    });

    it('on an invalid config schedule, naming its id, in eager mode too', async () => {
      const error = await bootstrapError({ eager: true, schedules: { weekly: { task: 'digest.build', every: '1w' as never } } }, [DigestTasks]);
      expect(error).toBeInstanceOf(InvalidScheduleError);
      expect((error as Error).message).toMatch(/^Schedule 'weekly' \(TasksModule\.forRoot\(\{ schedules \}\)\): every must be/);
    });

    it('on a config schedule of a task registered nowhere in the app', async () => {
      const error = await bootstrapError({ ...deadRedis, schedules: { weekly: { task: 'digest.weekly', every: '7d' } } }, [DigestTasks]);
      expect(error).toBeInstanceOf(UnknownScheduleTaskError);
      expect(error).toMatchObject({ scheduleId: 'weekly', taskName: 'digest.weekly' });
    });
  });
});
