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

  it('has run the whole order flow by the time place() returns', async () => {
    const { id } = await orders.place({ email: 'ada@example.com', total: 25, card: 'tok_ok' });

    const order = await orders.get(id);
    expect(order).toMatchObject({
      status: 'fulfilled',
      chargeId: expect.stringMatching(/^ch_/),
      receiptSentTo: 'ada@example.com',
      reservationId: expect.stringMatching(/^res_/),
    });
    // Inline, as on Redis, the charge publishes the rest of the flow just before its
    // task_success; then each published task runs after the one before it finished.
    const attempt = (task: string) => [`worker task_received ${task}`, `worker task_prerun ${task}`, `worker task_success ${task}`, `worker task_postrun ${task}`];
    const published = (task: string) => [`worker before_task_publish ${task}`, `worker after_task_publish ${task}`];
    expect(order!.timeline.map(step)).toEqual([
      'api order_placed orders',
      'api before_task_publish billing.charge',
      'api after_task_publish billing.charge',
      'worker task_received billing.charge',
      'worker task_prerun billing.charge',
      'worker payment_captured billing',
      ...published('emails.receipt'),
      ...published('stock.reserve'),
      ...published('orders.fulfil'),
      'worker task_success billing.charge',
      'worker task_postrun billing.charge',
      ...attempt('emails.receipt'),
      ...attempt('stock.reserve'),
      ...attempt('orders.fulfil'),
    ]);
  });

  it('retries a gateway timeout at once, and fails a declined card', async () => {
    const flaky = await orders.place({ email: 'grace@example.com', total: 42.5, card: 'tok_flaky' });
    const declined = await orders.place({ email: 'alan@example.com', total: 99, card: 'tok_declined' });

    const retried = await orders.get(flaky.id);
    expect(retried?.status).toBe('fulfilled');
    expect(retried!.timeline.filter((entry) => entry.sender === 'billing.charge' && entry.signal.startsWith('task_')).map((entry) => entry.detail)).toEqual([
      'attempt 1',
      'attempt 1',
      'GatewayTimeoutError: gateway timed out; retry in 200 ms',
      'RETRY',
      'attempt 2',
      'attempt 2',
      expect.stringMatching(/^returned \{"orderId":"ord_\w+","chargeId":"ch_\w+","amount":42.5\} in \d+ ms$/),
      'SUCCESS',
    ]);
    expect(await orders.get(declined.id)).toMatchObject({ status: 'payment_failed', failure: 'CardDeclinedError: card tok_declined declined' });
  });

  it('never runs the sales report schedule by itself; runNow() runs one tick inline', async () => {
    const schedules = app.get(TaskClient).schedules;
    expect(await schedules.get('reports.sales')).toMatchObject({ source: 'code', every: 2000, last: undefined });
    await orders.place({ email: 'ada@example.com', total: 25, card: 'tok_ok' });

    const report = await schedules.runNow('reports.sales');
    await expect(report.get()).resolves.toEqual({ placed: 0, paid: 0, payment_failed: 0, fulfilled: 1, paidTotal: 25 });
    expect((await schedules.get('reports.sales'))?.last).toBeInstanceOf(Date);
  });
});
