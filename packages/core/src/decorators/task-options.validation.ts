import type { TaskOptions } from '../tasks/task-options';
import { show } from './show-value';

const RATE_LIMIT = /^(\d+)\/(s|m|h)$/;

/**
 * Normalises what was given to `@Task()` and returns the first problem found, as
 * a sentence that says how to fix it. Checked eagerly so that a typo fails when
 * the class is declared, not when the first job arrives.
 */
export function parseTaskOptions(nameOrOptions: unknown): { options: TaskOptions } | { problem: string } {
  if (nameOrOptions === undefined) return { options: {} };
  if (typeof nameOrOptions === 'string') {
    return nameOrOptions.trim() === '' ? { problem: nameProblem('name', nameOrOptions) } : { options: { name: nameOrOptions } };
  }
  if (typeof nameOrOptions !== 'object' || nameOrOptions === null || Array.isArray(nameOrOptions)) {
    return { problem: `expects a task name or an options object, got ${show(nameOrOptions)}.` };
  }
  const options = nameOrOptions as TaskOptions;
  const problem = optionsProblem(options);
  return problem === undefined ? { options } : { problem };
}

function optionsProblem(o: TaskOptions): string | undefined {
  if (o.name !== undefined && !isNonEmptyString(o.name)) return nameProblem('name', o.name);
  if (o.queue !== undefined && !isNonEmptyString(o.queue)) return nameProblem('queue', o.queue);
  if (o.maxRetries !== undefined && !(Number.isInteger(o.maxRetries) && o.maxRetries >= 0)) {
    return `maxRetries must be a non-negative integer (0 means no retries), got ${show(o.maxRetries)}.`;
  }
  if (o.timeLimitMs !== undefined && !isPositive(o.timeLimitMs)) {
    return `timeLimitMs must be a positive number of milliseconds, got ${show(o.timeLimitMs)}.`;
  }
  if (o.rateLimit !== undefined) {
    const problem = rateLimitProblem(o.rateLimit);
    if (problem !== undefined) return problem;
  }
  if (o.retryBackoff !== undefined) {
    const problem = retryBackoffProblem(o.retryBackoff);
    if (problem !== undefined) return problem;
  }
  if (o.schedule !== undefined && (typeof o.schedule !== 'object' || o.schedule === null || Array.isArray(o.schedule))) {
    return `schedule must be an object like { cron: '0 3 * * *', tz: 'Europe/Paris' } or { every: '30s' }, got ${show(o.schedule)}.`;
  }
  if (o.autoretryFor !== undefined && !(Array.isArray(o.autoretryFor) && o.autoretryFor.every((c) => typeof c === 'function'))) {
    return `autoretryFor must be an array of error classes, e.g. [SmtpError], or [Error] to retry on anything.`;
  }
  return undefined;
}

function rateLimitProblem(rateLimit: unknown): string | undefined {
  if (typeof rateLimit === 'string') {
    const match = RATE_LIMIT.exec(rateLimit);
    if (match !== null && Number(match[1]) > 0) return undefined;
  } else if (typeof rateLimit === 'object' && rateLimit !== null) {
    const { max, durationMs } = rateLimit as { max?: unknown; durationMs?: unknown };
    if (Number.isInteger(max) && (max as number) > 0 && isPositive(durationMs)) return undefined;
    return `rateLimit { max, durationMs } needs a positive integer max and a positive durationMs, got max ${show(max)} and durationMs ${show(durationMs)}.`;
  }
  return `rateLimit must be '<count>/s', '<count>/m' or '<count>/h' with a positive count (e.g. '100/m'), or { max, durationMs }, got ${show(rateLimit)}.`;
}

function retryBackoffProblem(backoff: unknown): string | undefined {
  if (typeof backoff !== 'object' || backoff === null) {
    return `retryBackoff must be an object like { type: 'exponential', delayMs: 1000 }, got ${show(backoff)}.`;
  }
  const { type, delayMs, maxDelayMs, jitter } = backoff as Record<string, unknown>;
  if (type !== 'fixed' && type !== 'exponential') return `retryBackoff.type must be 'fixed' or 'exponential', got ${show(type)}.`;
  if (!isNonNegative(delayMs)) return `retryBackoff.delayMs must be a number of milliseconds >= 0, got ${show(delayMs)}.`;
  if (maxDelayMs !== undefined && !isNonNegative(maxDelayMs)) {
    return `retryBackoff.maxDelayMs must be a number of milliseconds >= 0, got ${show(maxDelayMs)}.`;
  }
  if (jitter !== undefined && typeof jitter !== 'boolean') return `retryBackoff.jitter must be true or false, got ${show(jitter)}.`;
  return undefined;
}

function nameProblem(option: string, value: unknown): string {
  return `${option} must be a non-empty string, got ${show(value)}; give a name like 'emails.send' or leave it out.`;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
