import { tasksLogger } from '@tasks/core/internal';

interface Outage {
  readonly since: number;
  /** Clients of this target that failed and have not been ready since. */
  readonly clients: Set<object>;
}

/** Outages in progress, by Redis target: one per target, whatever number of clients notice it. */
const outages = new Map<string, Outage>();

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** Whether `error` says Redis can not be reached now (rather than that a command was wrong). */
export function isConnectionError(error: unknown): boolean {
  // Not `instanceof Error`: socket errors may come from another realm (a test runner's sandbox).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
  return typeof message === 'string' && /ECONNREFUSED|Connection is closed|connect ETIMEDOUT|Stream isn't writeable|MaxRetriesPerRequestError|Reached the max retries per request/i.test(message);
}

/**
 * A client of `target` failed: the first one to notice an outage logs one line,
 * never a stack, and the others add themselves to it silently.
 */
export function reportDown(target: string, client: object, error: Error): void {
  let outage = outages.get(target);
  if (!outage) {
    outage = { since: Date.now(), clients: new Set() };
    outages.set(target, outage);
    tasksLogger().warn(`Redis at ${target} is unreachable (${describe(error)}); reconnecting. Publishing fails after connectTimeoutMs and workers wait until it is back.`);
  }
  outage.clients.add(client);
}

/** A client of `target` is ready again: once all that failed are, the outage's end is logged, once. */
export function reportUp(target: string, client: object): void {
  const outage = outages.get(target);
  if (!outage || !outage.clients.delete(client) || outage.clients.size > 0) return;
  outages.delete(target);
  tasksLogger().log(`Redis at ${target} is reachable again after ${Date.now() - outage.since} ms.`);
}

/** Whether an outage of `target` has been logged and has not ended. */
export function inOutage(target: string): boolean {
  return outages.has(target);
}

/** How long an outage whose clients were all closed is remembered, so that clients closing after it do not log it again. */
const FORGET_AFTER_MS = 10_000;

/** A client that failed during an outage was closed on purpose: it will not come back, and that is no news. */
export function forget(target: string, client: object): void {
  const outage = outages.get(target);
  if (!outage || !outage.clients.delete(client) || outage.clients.size > 0) return;
  setTimeout(() => {
    if (outages.get(target) === outage && outage.clients.size === 0) outages.delete(target);
  }, FORGET_AFTER_MS).unref();
}

function describe(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
