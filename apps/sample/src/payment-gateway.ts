import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

/** The gateway did not answer in time: worth another try. */
export class GatewayTimeoutError extends Error {
  override readonly name = 'GatewayTimeoutError';
}

/** The card was declined: trying again will not help. */
export class CardDeclinedError extends Error {
  override readonly name = 'CardDeclinedError';
}

export interface ChargeRequest {
  /** Card token from the checkout form. */
  card: string;
  amount: number;
  /** Our reference for the charge, the order id: a real gateway charges a reference at most once. */
  reference: string;
  /** Which try this is, from 1. Only the simulation needs it, to time out on cue. */
  attempt: number;
  /** Stops waiting on the gateway when aborted (the task was terminated). */
  signal?: AbortSignal;
}

export interface Charge {
  id: string;
  amount: number;
}

/** How long the bank waits for a `tok_hold` customer to confirm a payment. */
const CONFIRMATION_WAIT_MS = 5 * 60_000;

/**
 * A stand-in for a card processor, scripted by card token so the demo always
 * tells the same story: `tok_flaky` times out on the first attempt and then
 * goes through, `tok_declined` is declined every time, `tok_hold` waits for a
 * confirmation from the customer's bank that never comes (a charge to stop from
 * the dashboard), any other token is charged.
 */
@Injectable()
export class PaymentGateway {
  async charge({ card, amount, attempt, signal }: ChargeRequest): Promise<Charge> {
    if (card === 'tok_declined') throw new CardDeclinedError(`card ${card} declined`);
    if (card === 'tok_flaky' && attempt === 1) throw new GatewayTimeoutError('gateway timed out');
    if (card === 'tok_hold') await confirmation(signal);
    return { id: `ch_${randomBytes(6).toString('hex')}`, amount };
  }
}

/** Waits for the customer's confirmation: times out after a while, and stops at once when `signal` aborts. */
function confirmation(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((_resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      reject(new GatewayTimeoutError('the customer did not confirm the payment in time'));
    }, CONFIRMATION_WAIT_MS);
    timer.unref();
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}
