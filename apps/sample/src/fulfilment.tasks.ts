import { Injectable } from '@nestjs/common';
import { Task } from '@tasks/core';
import type { Receipt, Reservation } from './order.model';
import { OrdersRepository } from './orders.repository';

@Injectable()
export class FulfilmentTasks {
  constructor(private readonly orders: OrdersRepository) {}

  /**
   * Marks an order fulfilled once its receipt is sent and its stock reserved: the
   * callback of the order flow's chord, it gets both results in one array.
   */
  @Task({ name: 'orders.fulfil' })
  async fulfil([receipt, reservation]: [Receipt, Reservation], orderId: string): Promise<string> {
    await this.orders.update(orderId, { status: 'fulfilled' });
    return `${orderId} fulfilled: receipt to ${receipt.sentTo}, stock ${reservation.reservationId}`;
  }
}
