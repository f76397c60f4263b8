import { Injectable } from '@nestjs/common';
import { Task } from '@tasks/core';
import { OrdersRepository } from './orders.repository';

@Injectable()
export class EmailTasks {
  constructor(private readonly orders: OrdersRepository) {}

  /** Sends the receipt of a paid order. */
  @Task({ name: 'emails.receipt', queue: 'emails' })
  async receipt(orderId: string): Promise<string> {
    const order = await this.orders.find(orderId);
    if (!order) throw new Error(`Order ${orderId} does not exist.`);
    // A real service hands the message to its mail provider here; the sample records where it went.
    await this.orders.update(orderId, { receiptSentTo: order.email });
    return `receipt for ${order.id} sent to ${order.email}`;
  }
}
