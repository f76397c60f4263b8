import { Injectable } from '@nestjs/common';
import { OnSignal, type SignalEvent } from '@tasks/core';
import { TaskClient } from '@tasks/nestjs';
import { EmailTasks } from './emails.tasks';
import { paymentCaptured } from './order.signals';

/** Emails' part in an order's life: a captured payment gets a receipt. */
@Injectable()
export class EmailsListener {
  constructor(private readonly tasks: TaskClient) {}

  // payment_captured is sent by the billing.charge task, so this runs in the worker, inside that task.
  @OnSignal(paymentCaptured)
  async sendReceipt({ orderId }: SignalEvent<'payment_captured'>): Promise<void> {
    await this.tasks.ref(EmailTasks, 'receipt').delay(orderId);
  }
}
