import { Injectable, Logger } from '@nestjs/common';
import { OnSignal, TaskContext, TaskState, type SignalEvent } from '@tasks/core';
import { SignalBus } from '@tasks/nestjs';
import type { Where } from './order.model';
import { orderPlaced, orderSettled, paymentCaptured } from './order.signals';
import { OrdersRepository } from './orders.repository';

/** The built-in signals an order's tasks go through; their arguments name the order (see `orderIdOf`). */
type TaskSignal =
  | 'before_task_publish'
  | 'after_task_publish'
  | 'task_received'
  | 'task_prerun'
  | 'task_success'
  | 'task_retry'
  | 'task_failure'
  | 'task_postrun'
  | 'task_internal_error';
type TaskEvent = { [Name in TaskSignal]: SignalEvent<Name> }[TaskSignal];

/** Built-in signals that only ever fire in a worker (see the signals reference). */
const WORKER_SIGNALS: ReadonlySet<string> = new Set<TaskSignal>(['task_received', 'task_prerun', 'task_success', 'task_retry', 'task_failure', 'task_postrun', 'task_internal_error']);

/**
 * Keeps each order's timeline: every signal that concerned it, custom or
 * built-in, in the order it fired, with the process it fired in. Every process
 * of the service runs this listener and appends to the same timeline in Redis.
 *
 * It also counts each order's open tasks, published and not yet finished, and
 * sends `order_settled` when the count falls back to zero: then nothing more
 * will happen to the order. (The worker publishes a flow's next steps before the
 * step before them succeeds, so the count never drops early.)
 */
@Injectable()
export class AuditListener {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly orders: OrdersRepository,
    private readonly signals: SignalBus,
  ) {}

  @OnSignal(orderPlaced)
  async orderPlaced(event: SignalEvent<'order_placed'>): Promise<void> {
    await this.record(event.orderId, event, `total ${event.total.toFixed(2)}`);
  }

  @OnSignal(paymentCaptured)
  async paymentCaptured(event: SignalEvent<'payment_captured'>): Promise<void> {
    await this.record(event.orderId, event, `${event.chargeId} for ${event.amount.toFixed(2)}`);
  }

  @OnSignal('before_task_publish')
  @OnSignal('after_task_publish')
  @OnSignal('task_received')
  @OnSignal('task_prerun')
  @OnSignal('task_success')
  @OnSignal('task_retry')
  @OnSignal('task_failure')
  @OnSignal('task_postrun')
  @OnSignal('task_internal_error')
  async taskEvent(event: TaskEvent): Promise<void> {
    const orderId = orderIdOf(event.args);
    if (orderId === undefined) return;
    // A new task opens; a retry re-publishes the same task (inside its own attempt), which stays one.
    if (event.signal === 'before_task_publish' && TaskContext.find()?.id !== event.taskId) await this.orders.addOpenTasks(orderId, 1);
    await this.record(orderId, event, describe(event));
    // The count reaches zero once, in one process, however many workers there are.
    if (event.signal === 'task_postrun' && event.state !== TaskState.RETRY && (await this.orders.addOpenTasks(orderId, -1)) === 0) {
      await this.settle(orderId);
    }
  }

  private async record(orderId: string, { signal, sender }: { signal: string; sender: string }, detail: string): Promise<void> {
    await this.orders.appendToTimeline(orderId, { signal, sender, where: whereFired(signal), pid: process.pid, at: Date.now(), detail });
  }

  private async settle(orderId: string): Promise<void> {
    const order = await this.orders.find(orderId);
    if (!order) return;
    this.logger.log(`Order ${orderId} settled: ${order.status}`);
    await this.signals.send(orderSettled, 'audit', { orderId, status: order.status });
  }
}

/**
 * In a worker if only workers send it, or if it was sent from inside a running
 * task (its body, hooks or receivers, like `payment_captured`); else in the API,
 * which runs no tasks. This holds whether API and worker share a process or not.
 */
function whereFired(signal: string): Where {
  return WORKER_SIGNALS.has(signal) || TaskContext.find() !== undefined ? 'worker' : 'api';
}

function describe(event: TaskEvent): string {
  switch (event.signal) {
    case 'before_task_publish':
      return `task ${shortId(event.taskId)}`;
    case 'after_task_publish':
      return `task ${shortId(event.taskId)} queued on '${event.queue}'`;
    case 'task_received':
      return `attempt ${event.request.retries + 1}`;
    case 'task_prerun':
      return `attempt ${event.context.retries + 1}`;
    case 'task_success':
      return `returned ${JSON.stringify(event.result)} in ${Math.round(event.runtimeMs)} ms`;
    case 'task_retry':
      return `${event.error.name}: ${event.error.message}; retry in ${event.delayMs} ms`;
    case 'task_failure':
      return `${event.error.name}: ${event.error.message} (${event.attempts} attempt${event.attempts === 1 ? '' : 's'})`;
    case 'task_postrun':
      return event.state;
    case 'task_internal_error':
      return `${event.error.name}: ${event.error.message}`;
  }
}

/**
 * The order a task is about: an `ord_…` argument, or the `orderId` of an argument (the
 * result of the step before, which the order flow passes on), or of the first element of
 * an array argument (the results a chord callback gets).
 */
function orderIdOf(args: readonly unknown[]): string | undefined {
  for (const arg of args) {
    const id = idIn(arg) ?? (Array.isArray(arg) ? idIn(arg[0]) : undefined);
    if (id !== undefined) return id;
  }
  return undefined;
}

function idIn(value: unknown): string | undefined {
  const id = typeof value === 'object' && value !== null && 'orderId' in value ? value.orderId : value;
  return typeof id === 'string' && id.startsWith('ord_') ? id : undefined;
}

function shortId(taskId: string): string {
  return taskId.slice(0, 8);
}
