import { Test, type TestingModule } from '@nestjs/testing';
import { TaskClient } from '@tasks/nestjs';
import { AppConfig } from '../src/app.config';
import { AppModule } from '../src/app.module';
import { OrdersRepository } from '../src/orders.repository';
import { OrdersService } from '../src/orders.service';
import { InMemoryOrdersRepository } from './support/in-memory-orders.repository';
import { step } from './support/timeline';

// Eager mode: every task runs inline, in the caller, with the same signals and
// hooks in the same order, and no Redis at all (the repository is swapped for an
// in-memory one, and the Redis URL points at a port nobody listens on).
describe('the order service with tasks run eagerly', () => {
  let app: TestingModule;
  let orders: OrdersService;

  beforeEach(async () => {
    app = await Test.createTestingModule({
      imports: [AppModule.forRoot({ config: new AppConfig('redis://127.0.0.1:1', 'eager', 0), role: 'all', eager: true })],
    })
      .overrideProvider(OrdersRepository)
      .useClass(InMemoryOrdersRepository)
      .setLogger({ log: () => undefined, warn: () => undefined, error: (message: unknown) => console.error(message) })
      .compile();
    await app.init();
    orders = app.get(OrdersService);
  });

  afterEach(() => app.close());

  it('has charged the order and sent its receipt by the time place() returns', async () => {
    const { id } = await orders.place({ email: 'ada@example.com', total: 25, card: 'tok_ok' });

    const order = await orders.get(id);
    expect(order).toMatchObject({ status: 'paid', chargeId: expect.stringMatching(/^ch_/), receiptSentTo: 'ada@example.com' });
    // Inline, the receipt runs inside the charge's payment_captured receiver, before the charge returns.
    expect(order!.timeline.map(step)).toEqual([
      'api order_placed orders',
      'api before_task_publish billing.charge',
      'api after_task_publish billing.charge',
      'worker task_received billing.charge',
      'worker task_prerun billing.charge',
      'worker payment_captured billing',
      'worker before_task_publish emails.receipt',
      'worker after_task_publish emails.receipt',
      'worker task_received emails.receipt',
      'worker task_prerun emails.receipt',
      'worker task_success emails.receipt',
      'worker task_postrun emails.receipt',
      'worker task_success billing.charge',
      'worker task_postrun billing.charge',
    ]);
  });

  it('retries a gateway timeout at once, and fails a declined card', async () => {
    const flaky = await orders.place({ email: 'grace@example.com', total: 42.5, card: 'tok_flaky' });
    const declined = await orders.place({ email: 'alan@example.com', total: 99, card: 'tok_declined' });

    const retried = await orders.get(flaky.id);
    expect(retried?.status).toBe('paid');
    expect(retried!.timeline.filter((entry) => entry.sender === 'billing.charge' && entry.signal.startsWith('task_')).map((entry) => entry.detail)).toEqual([
      'attempt 1',
      'attempt 1',
      'GatewayTimeoutError: gateway timed out; retry in 200 ms',
      'RETRY',
      'attempt 2',
      'attempt 2',
      expect.stringMatching(/^returned \{"id":"ch_\w+","amount":42.5\} in \d+ ms$/),
      'SUCCESS',
    ]);
    expect(await orders.get(declined.id)).toMatchObject({ status: 'payment_failed', failure: 'CardDeclinedError: card tok_declined declined' });
  });

  it('never runs the sales report schedule by itself; runNow() runs one tick inline', async () => {
    const schedules = app.get(TaskClient).schedules;
    expect(await schedules.get('reports.sales')).toMatchObject({ source: 'code', every: 2000, last: undefined });
    await orders.place({ email: 'ada@example.com', total: 25, card: 'tok_ok' });

    const report = await schedules.runNow('reports.sales');
    await expect(report.get()).resolves.toEqual({ placed: 0, paid: 1, payment_failed: 0, paidTotal: 25 });
    expect((await schedules.get('reports.sales'))?.last).toBeInstanceOf(Date);
  });
});
