import { BadRequestException } from '@nestjs/common';

/** Body of `POST /orders`. */
export interface PlaceOrderDto {
  email: string;
  total: number;
  /** Card token from the checkout form: `tok_ok`, `tok_flaky`, `tok_declined` or `tok_hold` in the sample. */
  card: string;
}

/** Checks a request body, or answers 400 saying what is wrong. */
export function parsePlaceOrder(body: unknown): PlaceOrderDto {
  const { email, total, card } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const problems = [
    typeof email === 'string' && email.includes('@') ? '' : 'email must be an email address',
    typeof total === 'number' && Number.isFinite(total) && total > 0 ? '' : 'total must be a positive number',
    typeof card === 'string' && card !== '' ? '' : 'card must be a card token',
  ].filter(Boolean);
  if (problems.length > 0) throw new BadRequestException(problems);
  return { email: email as string, total: total as number, card: card as string };
}
