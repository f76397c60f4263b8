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
}

export interface Charge {
  id: string;
  amount: number;
}

/**
 * A stand-in for a card processor, scripted by card token so the demo always
 * tells the same story: `tok_flaky` times out on the first attempt and then
 * goes through, `tok_declined` is declined every time, any other token is charged.
 */
@Injectable()
export class PaymentGateway {
  async charge({ card, amount, attempt }: ChargeRequest): Promise<Charge> {
    if (card === 'tok_declined') throw new CardDeclinedError(`card ${card} declined`);
    if (card === 'tok_flaky' && attempt === 1) throw new GatewayTimeoutError('gateway timed out');
    return { id: `ch_${randomBytes(6).toString('hex')}`, amount };
  }
}
