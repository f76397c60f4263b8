import type { RateLimit } from '@tasks/core';
import type { RedisClient as Redis } from '../connection/redis-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { tasksKeys } from '../keys';

const UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * Waits for a start slot this close are spent here; longer ones park the task in
 * BullMQ's delayed set until this long before its slot. Must exceed the lateness
 * of a delayed job's promotion (up to 100 ms, Redis' default `hz` being 10).
 */
export const NEAR_SLOT_MS = 200;

/** Minimum spacing between two starts of a task under `rateLimit`. */
export function rateLimitIntervalMs(rateLimit: RateLimit): number {
  if (typeof rateLimit === 'string') {
    const [count, unit] = rateLimit.split('/') as [string, keyof typeof UNITS_MS];
    return UNITS_MS[unit] / Number(count);
  }
  return rateLimit.durationMs / rateLimit.max;
}

// KEYS[1], a hash per task name: `next`, the next free slot; `last`, when the last
// task started; `job:<id>`, the slot reserved for a waiting task. A task reserves
// a slot once, so tasks taken together are parked once each, not over and over;
// it starts when its slot has come and `interval` has passed since the last start,
// so late tasks never start in a burst. On Redis' clock, shared by every worker.
const TAKE_SLOT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local field = 'job:' .. ARGV[2]
local last = tonumber(redis.call('HGET', KEYS[1], 'last')) or -math.huge
local nextFree = tonumber(redis.call('HGET', KEYS[1], 'next')) or now
local reserved = tonumber(redis.call('HGET', KEYS[1], field))
if not reserved then
  reserved = math.max(now, nextFree, last + interval)
  nextFree = reserved + interval
  redis.call('HSET', KEYS[1], 'next', nextFree)
end
local due = math.max(reserved, last + interval)
redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(nextFree, due) - now) + 60000)
if due > now then
  redis.call('HSET', KEYS[1], field, due)
  return math.ceil(due - now)
end
redis.call('HDEL', KEYS[1], field)
redis.call('HSET', KEYS[1], 'last', now)
return 0
`;

/**
 * Spaces the starts of each rate-limited task name evenly across all workers on
 * one Redis (`'100/m'`: one start every 600 ms), as Celery's token bucket of
 * capacity one. BullMQ's own limiter counts a whole queue, not a task name, so
 * this one is ours.
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * Resolves 0 once task `taskId` may start, having waited here for a slot at most
   * {@link NEAR_SLOT_MS} away; else the milliseconds to park the task before it asks again.
   */
  async admit(taskName: string, taskId: string, rateLimit: RateLimit): Promise<number> {
    for (;;) {
      const wait = await this.take(taskName, taskId, rateLimitIntervalMs(rateLimit));
      if (wait === 0) return 0;
      if (wait > NEAR_SLOT_MS) return wait - NEAR_SLOT_MS;
      await sleep(wait);
    }
  }

  private async take(taskName: string, taskId: string, intervalMs: number): Promise<number> {
    return Number(await this.redis.eval(TAKE_SLOT, 1, tasksKeys.rateLimit(this.prefix, taskName), intervalMs, taskId));
  }
}
