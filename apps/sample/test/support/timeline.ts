import type { TimelineEntry } from '../../src/order.model';

/** One timeline entry as `where signal sender`, to compare sequences at a glance. */
export function step({ where, signal, sender }: TimelineEntry): string {
  return `${where} ${signal} ${sender}`;
}

/**
 * Splits a timeline into the three sequences whose order is fixed by the code:
 * - `api`: what happened in the API (the order placed, its charge published);
 * - `charge`: the `billing.charge` attempts in the worker, with what its body sent
 *   (`payment_captured`, and the receipt that its receiver published);
 * - `receipt`: the `emails.receipt` attempts in the worker.
 * How the three interleave is up to timing: the worker may take the charge before
 * the API has recorded `after_task_publish`, and the receipt runs while the charge
 * finishes.
 */
export function lanes(timeline: readonly TimelineEntry[]): { api: string[]; charge: string[]; receipt: string[] } {
  const laneOf = (entry: TimelineEntry) =>
    entry.where === 'api' ? 'api' : entry.sender === 'emails.receipt' && !entry.signal.endsWith('_publish') ? 'receipt' : 'charge';
  const of = (lane: string) => timeline.filter((entry) => laneOf(entry) === lane).map(step);
  return { api: of('api'), charge: of('charge'), receipt: of('receipt') };
}

/** The details of the entries with this signal and sender, in order. */
export function details(timeline: readonly TimelineEntry[], signal: string, sender: string): string[] {
  return timeline.filter((entry) => entry.signal === signal && entry.sender === sender).map((entry) => entry.detail);
}

/** What the API does for every order. */
export const API_LANE = ['api order_placed orders', 'api before_task_publish billing.charge', 'api after_task_publish billing.charge'];

/** One attempt of a task in the worker, up to its outcome. */
const attempt = (task: string) => [`worker task_received ${task}`, `worker task_prerun ${task}`];

/** A charge that went through: the body sends payment_captured, whose receiver publishes the receipt. */
const charged = [
  'worker payment_captured billing',
  'worker before_task_publish emails.receipt',
  'worker after_task_publish emails.receipt',
  'worker task_success billing.charge',
  'worker task_postrun billing.charge',
];

export const CHARGE_LANE = {
  ok: [...attempt('billing.charge'), ...charged],
  flaky: [...attempt('billing.charge'), 'worker task_retry billing.charge', 'worker task_postrun billing.charge', ...attempt('billing.charge'), ...charged],
  declined: [...attempt('billing.charge'), 'worker task_failure billing.charge', 'worker task_postrun billing.charge'],
};

export const RECEIPT_LANE = [...attempt('emails.receipt'), 'worker task_success emails.receipt', 'worker task_postrun emails.receipt'];
