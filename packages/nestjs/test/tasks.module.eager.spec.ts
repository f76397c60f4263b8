import { Logger } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { TaskFailedError, TaskState } from '@tasks/core';
import { SignalBus, TaskClient, TasksModule, TasksNotReadyError } from '@tasks/nestjs';
import { AuditModule } from './fixtures/audit.module';
import { AuditLog } from './fixtures/audit.listener';
import { BillingService } from './fixtures/billing.service';
import { EmailModule } from './fixtures/email.module';
import { EmailTasks } from './fixtures/email.tasks';
import { InvoiceCheck } from './fixtures/invoice-check.listener';
import { invoicePaid } from './fixtures/invoice.signals';
import { Mailer } from './fixtures/mailer.service';
import { REPORT_METRICS, ReportsModule, type ReportMetrics } from './fixtures/reports.module';
import { WebhooksController } from './fixtures/webhooks.controller';
import { compileApp, startApp } from './support/start-app';

// A dead port: eager mode must not touch Redis at all, or bootstrap would fail.
const eagerTasks = () => TasksModule.forRoot({ eager: true, connection: 'redis://127.0.0.1:1', connectTimeoutMs: 200 });

describe('TasksModule in eager mode', () => {
  let app: TestingModule;

  beforeEach(async () => {
    app = await startApp({
      imports: [eagerTasks(), EmailModule, AuditModule, ReportsModule],
      providers: [BillingService, InvoiceCheck],
      controllers: [WebhooksController],
    });
  });

  afterEach(() => app.close());

  it('runs a @Task() inline on its provider, with its injected collaborator', async () => {
    const result = await app.get(BillingService).markPaid('inv-1', 'ada@example.com', 30);

    await expect(result.get()).resolves.toBe('queued for ada@example.com');
    expect(await result.state()).toBe(TaskState.SUCCESS);
    expect(app.get(Mailer).outbox).toEqual([{ to: 'ada@example.com', subject: 'Invoice inv-1 paid' }]);
    expect(app.get(EmailTasks).succeeded).toEqual(['emails.send']);
  });

  it('gives results by id, and revokes nothing: eager tasks are done once published', async () => {
    const tasks = app.get(TaskClient);
    const { id } = await tasks.delay('emails.send', 'ada@example.com', 'hi');

    await expect(tasks.result<string>(id).get()).resolves.toBe('queued for ada@example.com');
    await expect(tasks.revoke(id)).resolves.toEqual({ taskId: id, revoked: false, terminated: false, previousState: TaskState.SUCCESS });
  });

  it('fires the task signals to @OnSignal receivers in Celery order, with the task name as sender', async () => {
    const result = await app.get(TaskClient).delay('emails.send', 'ada@example.com', 'hi');
    const log = app.get(AuditLog);

    expect(log.signals('taskLifecycle', result.id)).toEqual([
      'before_task_publish',
      'after_task_publish',
      'task_received',
      'task_prerun',
      'task_success',
      'task_postrun',
    ]);
    expect(new Set(log.entries.filter((e) => e.taskId === result.id).map((e) => e.sender))).toEqual(new Set(['emails.send']));
  });

  it('delivers to a receiver with a sender only the sends of that sender', async () => {
    const tasks = app.get(TaskClient);
    const email = await tasks.delay('emails.send', 'ada@example.com', 'hi');
    const report = await tasks.delay('reports.build', 'weekly');
    const log = app.get(AuditLog);

    expect(log.signals('taskSucceeded', email.id)).toEqual(['task_success']);
    expect(log.signals('taskSucceeded', report.id)).toEqual(['task_success']);
    expect(log.signals('emailSent', email.id)).toEqual(['task_success']);
    expect(log.signals('emailSent', report.id)).toEqual([]);
  });

  it('fires task_failure and rejects get() with the error of the task', async () => {
    const result = await app.get(TaskClient).delay('EmailTasks.bounce', 'nobody@example.com');

    const error: unknown = await result.get().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({ name: 'SmtpError', message: '550 no such user nobody@example.com' });
    expect(app.get(AuditLog).signals('taskLifecycle', result.id)).toContain('task_failure');
  });

  it('sends custom signals through SignalBus, by object or by name, and awaits async receivers', async () => {
    const bus = app.get(SignalBus);
    await bus.send(invoicePaid, 'billing', { invoiceId: 'inv-2', amount: 12 });
    await bus.send('invoice_paid', 'refunds', { invoiceId: 'inv-3', amount: 5 });

    expect(app.get(AuditLog).entries.filter((e) => e.via === 'invoicePaid')).toEqual([
      { via: 'invoicePaid', signal: 'invoice_paid', sender: 'billing', detail: { invoiceId: 'inv-2', amount: 12 } },
      { via: 'invoicePaid', signal: 'invoice_paid', sender: 'refunds', detail: { invoiceId: 'inv-3', amount: 5 } },
    ]);
  });

  it('discovers @OnSignal() methods on controllers', async () => {
    await app.get(BillingService).markPaid('inv-8', 'ada@example.com', 30);
    await app.get(SignalBus).send(invoicePaid, 'refunds', { invoiceId: 'inv-9', amount: 30 });

    expect(app.get(WebhooksController).forwarded).toEqual(['inv-8']);
  });

  it('logs a failing receiver through Nest as Class#method, without breaking the sender', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const responses = await app.get(SignalBus).send(invoicePaid, 'billing', { invoiceId: 'inv-4', amount: 0 });

      expect(responses.filter((r) => 'error' in r).map((r) => r.receiver.name)).toEqual(['InvoiceCheck#amountIsPositive']);
      expect(logged).toHaveBeenCalledWith(expect.stringContaining('InvoiceCheck#amountIsPositive'), expect.stringContaining('RangeError'));
      expect(app.get(AuditLog).signals('invoicePaid')).toEqual(['invoice_paid']);
    } finally {
      logged.mockRestore();
    }
  });

  it('discovers providers made with useFactory and useValue, bound to their instance', async () => {
    // The useValue instance is made once, when the fixture loads, so it outlives each app.
    const metrics = app.get<ReportMetrics>(REPORT_METRICS);
    const builtBefore = metrics.built;
    const result = await app.get(TaskClient).delay<string>('reports.build', 'weekly');

    await expect(result.get()).resolves.toBe('pdf: rows of weekly');
    expect(metrics.built).toBe(builtBefore + 1);
  });

  it('connects receivers made through SignalBus until the app closes', async () => {
    const received: string[] = [];
    app.get(SignalBus).connect('invoice_paid', (event) => void received.push(event.invoiceId));
    await invoicePaid.send('billing', { invoiceId: 'inv-5', amount: 1 });
    await app.close();
    await invoicePaid.send('billing', { invoiceId: 'inv-6', amount: 1 });

    expect(received).toEqual(['inv-5']);
  });
});

describe('TasksModule between apps and around the lifecycle', () => {
  it('disconnects its @OnSignal receivers on close, so apps in one process do not leak into each other', async () => {
    const first = await startApp({ imports: [eagerTasks(), AuditModule] });
    const firstLog = first.get(AuditLog);
    await first.close();
    expect(invoicePaid.hasListeners()).toBe(false);

    const second = await startApp({ imports: [eagerTasks(), AuditModule] });
    try {
      await second.get(SignalBus).send(invoicePaid, 'billing', { invoiceId: 'inv-7', amount: 3 });
      expect(second.get(AuditLog).signals('invoicePaid')).toEqual(['invoice_paid']);
      expect(firstLog.entries).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('refuses TaskClient calls before the app starts and after it closes', async () => {
    const app = await compileApp({ imports: [eagerTasks(), EmailModule] });
    const tasks = app.get(TaskClient);
    expect(() => tasks.delay('emails.send', 'a@b.c', 'hi')).toThrow(TasksNotReadyError);

    await app.init();
    await expect(tasks.delay('emails.send', 'a@b.c', 'hi')).resolves.toHaveProperty('id');
    await app.close();
    expect(() => tasks.result('some-id')).toThrow(/after the app closed/);
  });
});
