import type { TestingModule } from '@nestjs/testing';
import type { AsyncResult } from '@tasks/core';
import { NotATaskError, SignalBus, TaskClient, TasksModule } from '@tasks/nestjs';
import { EmailModule } from './fixtures/email.module';
import { EmailTasks } from './fixtures/email.tasks';
import { invoicePaid } from './fixtures/invoice.signals';
import { ReportTasks, ReportsModule } from './fixtures/reports.module';
import { startApp } from './support/start-app';

// Never called: its body is checked by `tsc` (the repo's type-check), where every
// `@ts-expect-error` must meet an error or fail the build.
function wrongCalls(tasks: TaskClient, signals: SignalBus): void {
  const send = tasks.ref(EmailTasks, 'send');
  // @ts-expect-error -- subject must be a string
  void send.delay('ada@example.com', 42);
  // @ts-expect-error -- subject is missing
  void send.delay('ada@example.com');
  // @ts-expect-error -- one argument too many
  void send.applyAsync(['ada@example.com', 'hi', 'extra']);
  // @ts-expect-error -- `succeeded` is a field, not a method
  tasks.ref(EmailTasks, 'succeeded');
  // @ts-expect-error -- no such method
  tasks.ref(EmailTasks, 'sendLater');
  // @ts-expect-error -- the result of emails.send is a string
  void (send.delay('ada@example.com', 'hi') satisfies Promise<AsyncResult<number>>);

  // @ts-expect-error -- invoice_paid carries { invoiceId, amount }
  void signals.send('invoice_paid', 'billing', { invoiceId: 'inv-1' });
  // @ts-expect-error -- a signal object checks its payload too
  void signals.send(invoicePaid, 'billing', { how: 'warm' });
  // @ts-expect-error -- unknown signal name
  void signals.send('invoice_payed', 'billing', { invoiceId: 'inv-1', amount: 1 });
  // @ts-expect-error -- the receiver of a named signal gets that signal's event
  signals.connect('invoice_paid', (event: { orderId: string }) => event.orderId);
  // A cluster receiver gets the event as it travelled: with its origin, without live objects.
  signals.connect('task_prerun', (event) => `${event.origin.name} ${event.taskId}`, { scope: 'cluster' });
  // @ts-expect-error -- the live TaskContext stays in the worker that ran the task
  signals.connect('task_prerun', (event) => event.context.id, { scope: 'cluster' });
  // @ts-expect-error -- an event of this process has no origin
  signals.connect('task_prerun', (event) => event.origin.name);
}

describe('TaskClient.ref()', () => {
  let app: TestingModule;

  beforeEach(async () => {
    app = await startApp({ imports: [TasksModule.forRoot({ eager: true }), EmailModule, ReportsModule] });
  });

  afterEach(() => app.close());

  it('publishes under the resolved task name, typed from the method', async () => {
    const tasks = app.get(TaskClient);
    const send = tasks.ref(EmailTasks, 'send');
    const build = tasks.ref(ReportTasks, 'build');

    const sent: AsyncResult<string> = await send.delay('ada@example.com', 'hi');
    const built = await build.applyAsync(['monthly'], { headers: { requestedBy: 'ops' } });
    const report: string = await built.get();

    expect(send.name).toBe('emails.send');
    expect(tasks.ref(EmailTasks, 'bounce').name).toBe('EmailTasks.bounce');
    await expect(sent.get()).resolves.toBe('queued for ada@example.com');
    expect(report).toBe('pdf: rows of monthly');
    expect(wrongCalls).toBeInstanceOf(Function);
  });

  it('rejects a method without @Task()', () => {
    const tasks = app.get(TaskClient);

    expect(() => tasks.ref(EmailTasks, 'onSuccess')).toThrow(NotATaskError);
    expect(() => tasks.ref(EmailTasks, 'onSuccess')).toThrow("EmailTasks#onSuccess is not a task");
  });
});
