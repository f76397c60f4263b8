import type { TimelineEntry } from '../../src/order.model';

/** One timeline entry as `where signal sender`, to compare sequences at a glance. */
export function step({ where, signal, sender }: TimelineEntry): string {
  return `${where} ${signal} ${sender}`;
}

/** The tasks of the order flow after the charge, in the order the flow names them. */
const FLOW_TASKS = ['emails.receipt', 'stock.reserve', 'orders.fulfil'] as const;

export interface Lanes {
  /** What happened in the API: the order placed, its charge published. */
  api: string[];
  /** The `billing.charge` attempts in the worker, with what its body sent (`payment_captured`). */
  charge: string[];
  /** The worker publishing the rest of the flow once the charge succeeded, sorted (the three publish at once). */
  published: string[];
  /** Each later task's attempts in the worker. */
  receipt: string[];
  stock: string[];
  fulfil: string[];
}

/**
 * Splits a timeline into the sequences whose order is fixed by the code. How they
 * interleave is up to timing: the worker may take the charge before the API has
 * recorded `after_task_publish`, and receipt and reservation run side by side.
 */
export function lanes(timeline: readonly TimelineEntry[]): Lanes {
  const worker = timeline.filter((entry) => entry.where === 'worker');
  const attempts = (task: string) => worker.filter((entry) => entry.sender === task && !entry.signal.endsWith('_publish')).map(step);
  return {
    api: timeline.filter((entry) => entry.where === 'api').map(step),
    charge: worker.filter((entry) => entry.sender === 'billing.charge' || entry.sender === 'billing').map(step),
    // The flow's later steps; a retry of the charge re-publishes the charge, which stays in its lane.
    published: worker
      .filter((entry) => entry.signal.endsWith('_publish') && (FLOW_TASKS as readonly string[]).includes(entry.sender))
      .map(step)
      .sort(),
    receipt: attempts('emails.receipt'),
    stock: attempts('stock.reserve'),
    fulfil: attempts('orders.fulfil'),
  };
}

/** The details of the entries with this signal and sender, in order. */
export function details(timeline: readonly TimelineEntry[], signal: string, sender: string): string[] {
  return timeline.filter((entry) => entry.signal === signal && entry.sender === sender).map((entry) => entry.detail);
}

/**
 * Checks the order the canvas guarantees: the rest of the flow is published before the
 * charge's `task_success` (as Celery publishes a chain's next step), and `orders.fulfil`
 * starts only after both the receipt and the reservation succeeded (the chord's join).
 */
export function flowOrderProblems(timeline: readonly TimelineEntry[]): string[] {
  const at = (signal: string, sender: string) => timeline.findIndex((entry) => entry.signal === signal && entry.sender === sender);
  const problems: string[] = [];
  for (const task of FLOW_TASKS) {
    if (at('before_task_publish', task) > at('task_success', 'billing.charge')) problems.push(`${task} published after the charge's task_success`);
  }
  for (const member of ['emails.receipt', 'stock.reserve']) {
    if (at('task_received', 'orders.fulfil') < at('task_success', member)) problems.push(`orders.fulfil received before ${member} succeeded`);
  }
  return problems;
}

/** What the API does for every order. */
export const API_LANE = ['api order_placed orders', 'api before_task_publish billing.charge', 'api after_task_publish billing.charge'];

/** One attempt of a task in the worker, up to its outcome. */
const attempt = (task: string) => [`worker task_received ${task}`, `worker task_prerun ${task}`];
const succeeded = (task: string) => [...attempt(task), `worker task_success ${task}`, `worker task_postrun ${task}`];

/** A charge that went through: the body sends payment_captured. */
const charged = ['worker payment_captured billing', 'worker task_success billing.charge', 'worker task_postrun billing.charge'];

export const CHARGE_LANE = {
  ok: [...attempt('billing.charge'), ...charged],
  flaky: [
    ...attempt('billing.charge'),
    // The retry re-publishes the charge, as Celery's retry() does.
    'worker before_task_publish billing.charge',
    'worker after_task_publish billing.charge',
    'worker task_retry billing.charge',
    'worker task_postrun billing.charge',
    ...attempt('billing.charge'),
    ...charged,
  ],
  declined: [...attempt('billing.charge'), 'worker task_failure billing.charge', 'worker task_postrun billing.charge'],
};

/** The rest of the flow, published by the worker once the charge succeeded. */
export const PUBLISHED_LANE = FLOW_TASKS.flatMap((task) => [`worker after_task_publish ${task}`, `worker before_task_publish ${task}`]).sort();

/** What a fulfilled order shows: each later task ran once and succeeded. */
export const FULFILLED = {
  published: PUBLISHED_LANE,
  receipt: succeeded('emails.receipt'),
  stock: succeeded('stock.reserve'),
  fulfil: succeeded('orders.fulfil'),
};

/** What an order whose payment failed shows: nothing after the charge. */
export const NOT_FULFILLED = { published: [], receipt: [], stock: [], fulfil: [] };
