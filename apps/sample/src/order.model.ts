/** Where an order stands: placed, then paid or payment failed. */
export type OrderStatus = 'placed' | 'paid' | 'payment_failed';

export interface Order {
  id: string;
  email: string;
  total: number;
  /** Card token given to the payment gateway. */
  card: string;
  status: OrderStatus;
  createdAt: string;
  /** The gateway's charge, once paid. */
  chargeId?: string;
  /** Why the payment failed, once it did for good. */
  failure?: string;
  /** Where the receipt went, once sent. */
  receiptSentTo?: string;
}

/** Where a signal fired: in the HTTP API, or in a worker running tasks. */
export type Where = 'api' | 'worker';

/** One line of an order's timeline: a signal that concerned it. */
export interface TimelineEntry {
  signal: string;
  sender: string;
  where: Where;
  /** The process it fired in. */
  pid: number;
  /** When, in milliseconds since the epoch. */
  at: number;
  /** A short, human-readable account. */
  detail: string;
}

export interface OrderWithTimeline extends Order {
  timeline: TimelineEntry[];
}
