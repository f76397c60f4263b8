import { Injectable } from '@nestjs/common';
import { Task } from '@tasks/core';
import type { Payment, Receipt } from './order.model';
import { OrdersRepository } from './orders.repository';

@Injectable()
export class EmailTasks {
  constructor(private readonly orders: OrdersRepository) {}

  /** Sends the receipt of a paid order; in the order flow it gets the charge's payment. */
  @Task({ name: 'emails.receipt', queue: 'emails' })
  async receipt(payment: Payment): Promise<Receipt> {
    const order = await this.orders.find(payment.orderId);
    if (!order) throw new Error(`Order ${payment.orderId} does not exist.`);
    // A real service hands the message to its mail provider here; the sample records where it went.
    await this.orders.update(order.id, { receiptSentTo: order.email });
    return { orderId: order.id, sentTo: order.email };
  }
}
