import { Injectable } from '@nestjs/common';
import { Task } from '@tasks/core';
import { SignalBus } from '@tasks/nestjs';
import { orderFulfilled } from './order.signals';
import type { Receipt, Reservation } from './order.model';
import { OrdersRepository } from './orders.repository';

@Injectable()
export class FulfilmentTasks {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly signals: SignalBus,
  ) {}

  /**
   * Marks an order fulfilled once its receipt is sent and its stock reserved: the
   * callback of the order flow's chord, it gets both results in one array.
   */
  @Task({ name: 'orders.fulfil' })
  async fulfil([receipt, reservation]: [Receipt, Reservation], orderId: string): Promise<string> {
    await this.orders.update(orderId, { status: 'fulfilled' });
    // A cluster signal: every process hears it, whichever worker ran this task.
    await this.signals.send(orderFulfilled, 'fulfilment', { orderId });
    return `${orderId} fulfilled: receipt to ${receipt.sentTo}, stock ${reservation.reservationId}`;
  }
}
