import { MaxRetriesExceededError, RetryError, SerializationError } from '../errors';
import { backoffDelay, DEFAULT_RETRY_BACKOFF } from './retry-backoff';
import type { TaskOptions } from './task-options';

/** What the retry policy reads of a task: its options with `maxRetries` resolved. */
export type RetryPolicyOptions = Pick<TaskOptions, 'autoretryFor' | 'retryBackoff'> & { readonly maxRetries: number };

/**
 * Tells errors that must never retry, whatever `autoretryFor` says. An executor
 * passes its backend's own (the BullMQ one knows BullMQ's `UnrecoverableError`).
 */
export type UnrecoverableCheck = (error: Error) => boolean;

/**
 * The one answer to "does this failed attempt retry, and after how long?", as
 * Celery decides it: a thrown error retries only when it matches `autoretryFor` or
 * came from `TaskContext.retry()`, and only while `retries < maxRetries`.
 * A result JSON can not carry (`SerializationError`) and unrecoverable errors never retry.
 *
 * @returns the delay before the next attempt, or `undefined` when the failure is final.
 */
export function retryDelay(
  options: RetryPolicyOptions,
  retries: number,
  error: Error,
  isUnrecoverable: UnrecoverableCheck = () => false,
): number | undefined {
  const { autoretryFor = [], retryBackoff = DEFAULT_RETRY_BACKOFF } = options;
  if (!retriesLeft(options.maxRetries, retries) || error instanceof SerializationError || isUnrecoverable(error)) return undefined;
  if (error instanceof RetryError) return error.delayMs ?? backoffDelay(retryBackoff, retries);
  if (autoretryFor.some((errorClass) => error instanceof errorClass)) return backoffDelay(retryBackoff, retries);
  return undefined;
}

/** Whether an attempt after `retries` failed ones may still be followed by another. */
export function retriesLeft(maxRetries: number, retries: number): boolean {
  return retries < maxRetries;
}

/**
 * What `TaskContext.retry()` throws: a {@link RetryError} while retries are left,
 * else the given error or a {@link MaxRetriesExceededError}.
 */
export function explicitRetry(task: { name: string; id: string; retries: number; maxRetries: number }, delayMs: number | undefined, error: Error | undefined): Error {
  if (!retriesLeft(task.maxRetries, task.retries)) return error ?? new MaxRetriesExceededError(task.name, task.id, task.maxRetries);
  return new RetryError({ delayMs, cause: error });
}

/** The error a retry or failure is reported with: the cause of a `retry()`, else the error itself. */
export function reportedError(error: Error): Error {
  return error instanceof RetryError && error.cause instanceof Error ? error.cause : error;
}
