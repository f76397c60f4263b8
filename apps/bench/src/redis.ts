import { randomUUID } from 'node:crypto';
import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** The Redis every scenario uses: `REDIS_URL`, else the local default. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Connection options for raw BullMQ (workers need `maxRetriesPerRequest: null`). */
export function rawConnection(): ConnectionOptions {
  const url = new URL(REDIS_URL);
  return {
    host: url.hostname,
    port: url.port === '' ? 6379 : Number(url.port),
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    maxRetriesPerRequest: null,
  };
}

/** A key prefix no other run uses, so runs never see each other's jobs. */
export function uniquePrefix(label: string): string {
  return `bench-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix` (BullMQ's `<prefix>:<queue>:…` and our `<prefix>::…`). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** Runs `body` with a fresh prefix and deletes its keys afterwards, whatever happens. */
export async function withPrefix<Result>(label: string, body: (prefix: string) => Promise<Result>): Promise<Result> {
  const prefix = uniquePrefix(label);
  try {
    return await body(prefix);
  } finally {
    await deleteKeys(prefix);
  }
}

/**
 * Microseconds the Redis server has spent running commands since its statistics were
 * last reset: the sum of `usec` over `INFO commandstats`. While the bench runs alone,
 * only its own commands move it.
 */
export async function redisCommandMicros(): Promise<number> {
  const redis = new Redis(REDIS_URL);
  try {
    const info = await redis.info('commandstats');
    let total = 0;
    for (const match of info.matchAll(/,usec=(\d+),/g)) total += Number(match[1]);
    return total;
  } finally {
    await redis.quit();
  }
}

/** The server's version, from `INFO server`. */
export async function redisVersion(): Promise<string> {
  const redis = new Redis(REDIS_URL);
  try {
    const info = await redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    await redis.quit();
  }
}

/**
 * Waits until the completed set of `queue` holds `count` jobs: a check, after the
 * timed part, that every job really finished before the worker is closed.
 */
export async function waitForCompleted(prefix: string, queue: string, count: number, timeoutMs = 60_000): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const done = await redis.zcard(`${prefix}:${queue}:completed`);
      if (done >= count) return;
      if (Date.now() > deadline) throw new Error(`only ${done} of ${count} jobs completed in ${prefix}:${queue} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await redis.quit();
  }
}
