import type { INestApplication } from '@nestjs/common';
import { SignalBus } from '@tasks/nestjs';
import { AppConfig } from '../src/app.config';
import { startApi } from '../src/bootstrap';
import type { Order, OrderWithTimeline } from '../src/order.model';
import type { PlaceOrderDto } from '../src/orders.dto';
import { deleteKeys } from '../src/redis-admin';
import { SettledOrders } from '../src/settled-orders';
import { REDIS_URL, uniquePrefix } from './support/redis';
import { API_LANE, CHARGE_LANE, FULFILLED, NOT_FULFILLED, details, flowOrderProblems, lanes } from './support/timeline';

describe('the order service, API and worker in one process, over HTTP', () => {
  const prefix = uniquePrefix();
  let app: INestApplication;
  let url: string;
  let settled: SettledOrders;

  const post = (body: unknown) => fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const placeOrder = async (order: PlaceOrderDto): Promise<Order> => {
    const response = await post(order);
    expect(response.status).toBe(201);
    return (await response.json()) as Order;
  };
  const getOrder = async (id: string): Promise<OrderWithTimeline> => {
    const response = await fetch(`${url}/orders/${id}`);
    expect(response.status).toBe(200);
    return (await response.json()) as OrderWithTimeline;
  };

  beforeAll(async () => {
    ({ app, url } = await startApi(new AppConfig(REDIS_URL, prefix, 0), 'all', ['error']));
    settled = new SettledOrders(app.get(SignalBus));
  });

  afterAll(async () => {
    await app?.close();
    await deleteKeys(REDIS_URL, prefix);
  });

  it('fulfils one order at once, one after a retried charge, fails the third, and records every signal of each', async () => {
    const [ok, flaky, declined] = await Promise.all([
      placeOrder({ email: 'ada@example.com', total: 25, card: 'tok_ok' }),
      placeOrder({ email: 'grace@example.com', total: 42.5, card: 'tok_flaky' }),
      placeOrder({ email: 'alan@example.com', total: 99, card: 'tok_declined' }),
    ]);
    expect(ok).toMatchObject({ id: expect.stringMatching(/^ord_/), status: 'placed', email: 'ada@example.com', total: 25, card: 'tok_ok' });

    await expect(settled.wait(ok!.id, 20_000)).resolves.toBe('fulfilled');
    await expect(settled.wait(flaky!.id, 20_000)).resolves.toBe('fulfilled');
    await expect(settled.wait(declined!.id, 20_000)).resolves.toBe('payment_failed');

    const paid = await getOrder(ok!.id);
    expect(paid).toMatchObject({ status: 'fulfilled', chargeId: expect.stringMatching(/^ch_/), receiptSentTo: 'ada@example.com', reservationId: expect.stringMatching(/^res_/) });
    expect(paid.failure).toBeUndefined();
    expect(lanes(paid.timeline)).toEqual({ api: API_LANE, charge: CHARGE_LANE.ok, ...FULFILLED });
    expect(details(paid.timeline, 'task_success', 'orders.fulfil')).toEqual([
      expect.stringContaining(`"${paid.id} fulfilled: receipt to ada@example.com, stock ${paid.reservationId}"`),
    ]);
    expect(details(paid.timeline, 'payment_captured', 'billing')).toEqual([`${paid.chargeId} for 25.00`]);

    const retried = await getOrder(flaky!.id);
    expect(retried).toMatchObject({ status: 'fulfilled', chargeId: expect.stringMatching(/^ch_/), receiptSentTo: 'grace@example.com' });
    expect(lanes(retried.timeline)).toEqual({ api: API_LANE, charge: CHARGE_LANE.flaky, ...FULFILLED });
    expect(details(retried.timeline, 'task_received', 'billing.charge')).toEqual(['attempt 1', 'attempt 2']);
    expect(details(retried.timeline, 'task_retry', 'billing.charge')).toEqual(['GatewayTimeoutError: gateway timed out; retry in 200 ms']);
    expect(details(retried.timeline, 'task_postrun', 'billing.charge')).toEqual(['RETRY', 'SUCCESS']);

    const failed = await getOrder(declined!.id);
    expect(failed).toMatchObject({ status: 'payment_failed', failure: 'CardDeclinedError: card tok_declined declined' });
    expect(failed.chargeId).toBeUndefined();
    expect(failed.receiptSentTo).toBeUndefined();
    expect(failed.reservationId).toBeUndefined();
    expect(lanes(failed.timeline)).toEqual({ api: API_LANE, charge: CHARGE_LANE.declined, ...NOT_FULFILLED });
    expect(details(failed.timeline, 'task_failure', 'billing.charge')).toEqual(['CardDeclinedError: card tok_declined declined (1 attempt)']);

    for (const { timeline } of [paid, retried, failed]) {
      const at = (signal: string, sender: string) => timeline.findIndex((entry) => entry.signal === signal && entry.sender === sender);
      // The order was placed and its charge published before the worker took it.
      expect(timeline.slice(0, 2).map((entry) => entry.signal)).toEqual(['order_placed', 'before_task_publish']);
      expect(at('task_received', 'billing.charge')).toBeGreaterThan(at('before_task_publish', 'billing.charge'));
      // The worker published the rest of the flow before the charge's task_success, and fulfil waited for both members.
      if (at('task_success', 'billing.charge') >= 0) expect(flowOrderProblems(timeline)).toEqual([]);
      expect(new Set(timeline.map((entry) => entry.pid))).toEqual(new Set([process.pid]));
    }
  });

  it('answers 400 to an order it can not take, and 404 to an unknown one', async () => {
    const response = await post({ email: 'nobody', total: -1 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      message: ['email must be an email address', 'total must be a positive number', 'card must be a card token'],
    });
    expect((await fetch(`${url}/orders/ord_missing`)).status).toBe(404);
  });
});
