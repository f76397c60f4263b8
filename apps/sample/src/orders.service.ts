import { Injectable, Logger } from '@nestjs/common';
import { OnSignal, type SignalEvent } from '@tasks/core';
import { SignalBus } from '@tasks/nestjs';
import { randomBytes } from 'node:crypto';
import type { Order, OrderWithTimeline } from './order.model';
import { orderFulfilled, orderPlaced } from './order.signals';
import type { PlaceOrderDto } from './orders.dto';
import { OrdersRepository } from './orders.repository';

@Injectable()
export class OrdersService {
  private readonly logger = new Logger('Orders');

  constructor(
    private readonly orders: OrdersRepository,
    private readonly signals: SignalBus,
  ) {}

  /** Stores the order and tells whoever listens; payment happens in the background. */
  async place({ email, total, card }: PlaceOrderDto): Promise<Order> {
    const order: Order = { id: `ord_${randomBytes(4).toString('hex')}`, email, total, card, status: 'placed', createdAt: new Date().toISOString() };
    await this.orders.create(order);
    await this.signals.send(orderPlaced, 'orders', { orderId: order.id, total });
    return order;
  }

  async get(id: string): Promise<OrderWithTimeline | undefined> {
    const order = await this.orders.find(id);
    return order && { ...order, timeline: await this.orders.timeline(id) };
  }

  /** A charge that failed for good (declined, or out of retries) fails the order's payment. */
  @OnSignal('task_failure', { sender: 'billing.charge' })
  async paymentFailed({ args: [orderId], error }: SignalEvent<'task_failure'>): Promise<void> {
    if (typeof orderId !== 'string') return;
    await this.orders.update(orderId, { status: 'payment_failed', failure: `${error.name}: ${error.message}` });
  }

  /** `order_fulfilled` is a cluster signal: this runs in the worker that sent it and in every other process, the API's included. */
  @OnSignal(orderFulfilled)
  fulfilled({ orderId }: SignalEvent<'order_fulfilled'>): void {
    this.logger.log(`Order ${orderId} fulfilled`);
  }
}
