import { Injectable, Logger } from '@nestjs/common';
import { Task, TaskContext, type TaskHooks } from '@tasks/core';
import { SignalBus } from '@tasks/nestjs';
import { paymentCaptured } from './order.signals';
import { OrdersRepository } from './orders.repository';
import type { Payment } from './order.model';
import { GatewayTimeoutError, PaymentGateway } from './payment-gateway';

@Injectable()
export class BillingTasks implements TaskHooks {
  private readonly logger = new Logger(BillingTasks.name);

  constructor(
    private readonly gateway: PaymentGateway,
    private readonly orders: OrdersRepository,
    private readonly signals: SignalBus,
  ) {}

  /**
   * Charges an order's card. A gateway timeout is retried after 200 ms, then
   * 400 ms, 800 ms; any other error, such as a declined card, fails at once.
   */
  @Task({
    name: 'billing.charge',
    queue: 'billing',
    maxRetries: 3,
    autoretryFor: [GatewayTimeoutError],
    retryBackoff: { type: 'exponential', delayMs: 200 },
  })
  async charge(orderId: string): Promise<Payment> {
    const order = await this.orders.find(orderId);
    if (!order) throw new Error(`Order ${orderId} does not exist.`);
    const context = TaskContext.current();
    // Terminating the task (the dashboard's Terminate, `tasks revoke --terminate`) aborts
    // this signal: a charge waiting on the gateway stops at once.
    const charge = await this.gateway.charge({ card: order.card, amount: order.total, reference: order.id, attempt: context.retries + 1, signal: context.abortSignal });
    await this.orders.update(orderId, { status: 'paid', chargeId: charge.id });
    // Sent here, in the worker: its receivers run in this process, inside this task.
    await this.signals.send(paymentCaptured, 'billing', { orderId, chargeId: charge.id, amount: charge.amount });
    // The next steps of the order flow get this as their first argument.
    return { orderId, chargeId: charge.id, amount: charge.amount };
  }

  onRetry(error: Error, context: TaskContext): void {
    this.logger.warn(`Order ${String(context.args[0])}: charge failed (${error.message}), trying again.`);
  }

  onFailure(error: Error, context: TaskContext): void {
    this.logger.warn(`Order ${String(context.args[0])}: charge failed for good (${error.message}).`);
  }
}
