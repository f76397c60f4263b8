import { Injectable } from '@nestjs/common';
import { OnSignal, type SignalEvent } from '@tasks/core';
import { TaskClient } from '@tasks/nestjs';
import { BillingTasks } from './billing.tasks';
import { orderPlaced } from './order.signals';

/** Billing's part in an order's life: every placed order is charged, in the background. */
@Injectable()
export class BillingListener {
  constructor(private readonly tasks: TaskClient) {}

  @OnSignal(orderPlaced, { sender: 'orders' })
  async chargeOrder({ orderId }: SignalEvent<'order_placed'>): Promise<void> {
    await this.tasks.ref(BillingTasks, 'charge').delay(orderId);
  }
}
