import { randomUUID } from 'node:crypto';

/** The Redis every test runs against (CI starts one on the default port). */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own for one suite: its orders, timelines and task queues. Delete it after with `deleteKeys`. */
export function uniquePrefix(): string {
  return `sample-test-${randomUUID()}`;
}
