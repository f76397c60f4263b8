import { Logger } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { RedisConnectionError, TaskState, afterTaskPublish, beforeTaskPublish, taskSuccess } from '@tasks/core';
import { TaskClient, TasksModule, type TasksModuleOptions } from '@tasks/nestjs';
import { Redis } from 'ioredis';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { AuditLog, type AuditEntry } from './fixtures/audit.listener';
import { AuditModule } from './fixtures/audit.module';
import { BillingService } from './fixtures/billing.service';
import { EmailModule } from './fixtures/email.module';
import { Mailer } from './fixtures/mailer.service';
import { ReportSource, ReportTasks, ReportsModule } from './fixtures/reports.module';
import { closeFailedApp, compileApp, startApp } from './support/start-app';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('TasksModule on Redis', () => {
  const redis = new Redis(REDIS_URL);
  const apps: TestingModule[] = [];
  let prefix: string;

  const tasksOn = (options: TasksModuleOptions) => TasksModule.forRoot({ connection: REDIS_URL, prefix, ...options });
  const start = async (...args: Parameters<typeof startApp>) => {
    const app = await startApp(...args);
    apps.push(app);
    return app;
  };

  beforeEach(() => {
    prefix = `test-${randomUUID()}`;
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  });

  afterAll(() => redis.quit());

  it('runs a task published by a publish-only app in the worker app, and returns its result', async () => {
    // Signals are process-wide, so both apps' receivers hear every send. What
    // tells the apps apart is the async context a send happens in: each app is
    // started, and the publisher called, inside its own context.
    const origin = new AsyncLocalStorage<string>();
    const sends: Array<{ signal: string; origin: string | undefined }> = [];
    const record = (event: { signal: string }) => void sends.push({ signal: event.signal, origin: origin.getStore() });
    const offs = [beforeTaskPublish.connect(record), afterTaskPublish.connect(record), taskSuccess.connect(record)];
    try {
      const workerApp = await origin.run('worker app', () =>
        start({ imports: [tasksOn({ worker: { name: `worker-${prefix}` } }), EmailModule, AuditModule] }),
      );
      const publisherApp = await origin.run('publisher app', () =>
        start({ imports: [tasksOn({ worker: false }), AuditModule], providers: [BillingService] }),
      );
      const workerLog = workerApp.get(AuditLog);
      const publisherLog = publisherApp.get(AuditLog);

      const result = await origin.run('publisher app', () => publisherApp.get(BillingService).markPaid('inv-1', 'ada@example.com', 30));
      await expect(result.get({ timeoutMs: 10_000 })).resolves.toBe('queued for ada@example.com');
      await workerLog.next((e) => e.via === 'taskSucceeded' && e.taskId === result.id);

      // The body ran on the worker app's provider, with its injected Mailer; the publisher has neither.
      expect(workerApp.get(Mailer).outbox).toEqual([{ to: 'ada@example.com', subject: 'Invoice inv-1 paid' }]);
      expect(() => publisherApp.get(Mailer)).toThrow();
      // Published in the publisher app, succeeded in the worker app, once.
      expect(sends).toEqual([
        { signal: 'before_task_publish', origin: 'publisher app' },
        { signal: 'after_task_publish', origin: 'publisher app' },
        { signal: 'task_success', origin: 'worker app' },
      ]);
      // Each app's own listener instance heard that one send once.
      expect(workerLog).not.toBe(publisherLog);
      const successesOf = (log: AuditLog) => log.entries.filter((e: AuditEntry) => e.via === 'taskSucceeded' && e.taskId === result.id);
      expect(successesOf(workerLog)).toHaveLength(1);
      expect(successesOf(publisherLog)).toEqual(successesOf(workerLog));
      // Only the worker app runs a worker.
      expect(new Set(workerLog.entries.filter((e) => e.signal === 'worker_ready').map((e) => e.sender))).toEqual(new Set([`worker-${prefix}`]));
    } finally {
      for (const off of offs) off();
    }
  });

  it('reads results and revokes through TaskClient, by id', async () => {
    const app = await start({ imports: [tasksOn({ worker: false })] });
    const tasks = app.get(TaskClient);

    const later = await tasks.applyAsync('emails.send', ['ada@example.com', 'hi'], { delayMs: 60_000 });
    expect(await tasks.result(later.id).state()).toBe(TaskState.PENDING);
    await expect(tasks.revoke(later.id)).resolves.toMatchObject({ taskId: later.id, revoked: true });
    expect(await tasks.result(later.id).state()).toBe(TaskState.REVOKED);
  });

  it('fails bootstrap with RedisConnectionError within connectTimeoutMs when Redis is unreachable', async () => {
    const app = await compileApp({
      imports: [TasksModule.forRoot({ connection: 'redis://127.0.0.1:1', prefix, connectTimeoutMs: 500 }), EmailModule, AuditModule],
    });
    const startedAt = Date.now();

    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const error: unknown = await app.init().catch((thrown: unknown) => thrown);
    logged.mockRestore();

    expect(error).toBeInstanceOf(RedisConnectionError);
    expect(error).toMatchObject({ target: 'redis://127.0.0.1:1', timeoutMs: 500 });
    expect(Date.now() - startedAt).toBeLessThan(5000);
    // It failed before any worker started.
    expect(app.get(AuditLog).signals('workerLifecycle')).toEqual([]);
    await closeFailedApp(app);
  });

  it('drains on app.close(): the running task finishes between worker_shutting_down and worker_shutdown', async () => {
    const workerApp = await start({ imports: [tasksOn({ shutdownTimeoutMs: 10_000 }), ReportsModule, AuditModule] });
    const publisherApp = await start({ imports: [tasksOn({ worker: false })] });
    const source = workerApp.get(ReportSource);
    const log = workerApp.get(AuditLog);
    source.hold();

    const result = await publisherApp.get(TaskClient).ref(ReportTasks, 'build').delay('quarterly');
    await log.next((e) => e.signal === 'task_prerun' && e.taskId === result.id);
    const closing = workerApp.close();
    await log.next((e) => e.signal === 'worker_shutting_down');
    source.release();
    await closing;

    const timeline = log.entries
      .filter((e) => (e.via === 'taskLifecycle' && e.taskId === result.id) || (e.via === 'workerLifecycle' && e.signal.startsWith('worker_shut')))
      .map((e) => e.signal);
    expect(timeline.slice(timeline.indexOf('task_prerun'))).toEqual(['task_prerun', 'worker_shutting_down', 'task_success', 'task_postrun', 'worker_shutdown']);
    await expect(result.get({ timeoutMs: 5000 })).resolves.toBe('pdf: rows of quarterly');
  });
});
