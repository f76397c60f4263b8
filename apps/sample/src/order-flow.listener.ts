import { Injectable } from '@nestjs/common';
import { OnSignal, type SignalEvent } from '@tasks/core';
import { TaskClient } from '@tasks/nestjs';
import { BillingTasks } from './billing.tasks';
import { EmailTasks } from './emails.tasks';
import { FulfilmentTasks } from './fulfilment.tasks';
import { orderPlaced } from './order.signals';
import { StockTasks } from './stock.tasks';

/**
 * Starts each placed order's flow, in the background, as one canvas:
 * charge -> (receipt email, stock reservation, in parallel) -> mark fulfilled.
 * Each step gets the one before's result first; tsc checks that they fit.
 */
@Injectable()
export class OrderFlowListener {
  constructor(private readonly tasks: TaskClient) {}

  @OnSignal(orderPlaced, { sender: 'orders' })
  async startFlow({ orderId }: SignalEvent<'order_placed'>): Promise<void> {
    const { tasks } = this;
    const charge = tasks.ref(BillingTasks, 'charge');
    const receipt = tasks.ref(EmailTasks, 'receipt');
    const reserve = tasks.ref(StockTasks, 'reserve');
    const fulfil = tasks.ref(FulfilmentTasks, 'fulfil');
    // A group followed by a step is a chord: fulfil runs once both succeeded, with both results.
    await tasks.chain(charge.s(orderId), tasks.group([receipt.s(), reserve.s()]), fulfil.s(orderId)).delay();
  }
}
