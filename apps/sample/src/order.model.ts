/** Where an order stands: placed, then paid or payment failed; a paid order is fulfilled once its receipt is sent and its stock reserved. */
export type OrderStatus = 'placed' | 'paid' | 'payment_failed' | 'fulfilled';

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
  /** The stock reservation, once made. */
  reservationId?: string;
}

/** What `billing.charge` gives the next steps of the order flow. */
export interface Payment {
  orderId: string;
  chargeId: string;
  amount: number;
}

/** What `emails.receipt` gives `orders.fulfil`. */
export interface Receipt {
  orderId: string;
  sentTo: string;
}

/** What `stock.reserve` gives `orders.fulfil`. */
export interface Reservation {
  orderId: string;
  reservationId: string;
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
