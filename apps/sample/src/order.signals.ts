import { defineSignal } from '@tasks/core';
import type { OrderStatus } from './order.model';

/** Sent by the API once an order is stored. */
export interface OrderPlaced {
  orderId: string;
  total: number;
}

/** Sent by the `billing.charge` task, in the worker, once the card was charged. */
export interface PaymentCaptured {
  orderId: string;
  chargeId: string;
  amount: number;
}

/** Sent by the `orders.fulfil` task once an order is fulfilled; a cluster signal, heard by every process. */
export interface OrderFulfilled {
  orderId: string;
}

/** Sent by the audit once nothing more will happen to an order: its timeline is complete. */
export interface OrderSettled {
  orderId: string;
  status: OrderStatus;
}

export const orderPlaced = defineSignal<OrderPlaced>('order_placed');
export const paymentCaptured = defineSignal<PaymentCaptured>('payment_captured');
export const orderSettled = defineSignal<OrderSettled>('order_settled');
// Sent in a worker, heard in the API process too (and in the dashboard's timeline of the task that sent it).
export const orderFulfilled = defineSignal<OrderFulfilled>('order_fulfilled', { scope: 'cluster' });

// Lets `@OnSignal('order_placed')` and `SignalBus.send('order_placed', …)` check payloads by name.
declare module '@tasks/core' {
  interface SignalMap {
    order_placed: OrderPlaced;
    payment_captured: PaymentCaptured;
    order_settled: OrderSettled;
    order_fulfilled: OrderFulfilled;
  }
}
