import type { RetryBackoff } from './task-options';

/** Backoff used when a task gives none: one second between attempts. */
export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { type: 'fixed', delayMs: 1000 };

const DEFAULT_MAX_DELAY_MS = 10 * 60 * 1000;

/**
 * Delay before the retry that follows `retries` failed attempts (0 for the first retry).
 * `random` is injectable so that jitter can be tested.
 */
export function backoffDelay(backoff: RetryBackoff, retries: number, random: () => number = Math.random): number {
  const base = backoff.type === 'exponential' ? backoff.delayMs * 2 ** retries : backoff.delayMs;
  const capped = Math.min(base, backoff.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
  const delay = backoff.jitter ? capped / 2 + (random() * capped) / 2 : capped;
  return Math.round(delay);
}
