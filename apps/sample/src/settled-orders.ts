import type { SignalBus } from '@tasks/nestjs';
import type { OrderStatus } from './order.model';
import { orderSettled } from './order.signals';

/**
 * Waits for orders to settle, from the `order_settled` signals sent in this
 * process: for the demo and the tests, which run the worker in-process.
 */
export class SettledOrders {
  private readonly settled = new Map<string, OrderStatus>();
  private readonly waiting = new Map<string, (status: OrderStatus) => void>();

  /** Starts listening; connect before placing the orders, since one may settle before its POST answers. */
  constructor(signals: SignalBus) {
    signals.connect(orderSettled, ({ orderId, status }) => {
      this.settled.set(orderId, status);
      this.waiting.get(orderId)?.(status);
    });
  }

  /** The order's final status, once it settled; rejects after `timeoutMs`. */
  wait(orderId: string, timeoutMs: number): Promise<OrderStatus> {
    const status = this.settled.get(orderId);
    if (status !== undefined) return Promise.resolve(status);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(orderId);
        reject(new Error(`Order ${orderId} did not settle within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.waiting.set(orderId, (settledStatus) => {
        clearTimeout(timer);
        this.waiting.delete(orderId);
        resolve(settledStatus);
      });
    });
  }
}
