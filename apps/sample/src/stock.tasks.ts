import { Injectable } from '@nestjs/common';
import { Task } from '@tasks/core';
import { randomBytes } from 'node:crypto';
import type { Payment, Reservation } from './order.model';
import { OrdersRepository } from './orders.repository';

@Injectable()
export class StockTasks {
  constructor(private readonly orders: OrdersRepository) {}

  /** Reserves the stock of a paid order; it runs beside the receipt, in the order flow's group. */
  @Task({ name: 'stock.reserve', queue: 'stock' })
  async reserve(payment: Payment): Promise<Reservation> {
    // A real service asks its warehouse here; the sample makes up a reservation.
    const reservationId = `res_${randomBytes(4).toString('hex')}`;
    await this.orders.update(payment.orderId, { reservationId });
    return { orderId: payment.orderId, reservationId };
  }
}
