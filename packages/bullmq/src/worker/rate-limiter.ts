import type { RateLimit } from '@tasks/core';
import type { Redis } from 'ioredis';
import { tasksKeys } from '../keys';

const UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Minimum spacing between two starts of a task under `rateLimit`. */
export function rateLimitIntervalMs(rateLimit: RateLimit): number {
  if (typeof rateLimit === 'string') {
    const [count, unit] = rateLimit.split('/') as [string, keyof typeof UNITS_MS];
    return UNITS_MS[unit] / Number(count);
  }
  return rateLimit.durationMs / rateLimit.max;
}

// Takes the start slot if it is free and returns 0, else returns how long until it is.
// Run in Redis so that every worker on this Redis shares one schedule per task name.
const TAKE_SLOT = `
local now = tonumber(redis.call('TIME')[1]) * 1000 + math.floor(tonumber(redis.call('TIME')[2]) / 1000)
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
if next > now then return next - now end
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], now + interval, 'PX', math.ceil(interval) + 1000)
return 0
`;

/**
 * Spaces the starts of each rate-limited task name evenly, across all workers
 * (`'100/m'` lets one start every 600 ms), as Celery's token bucket with no burst.
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** 0 if the task may start now, else the milliseconds to wait before asking again. */
  async wait(taskName: string, rateLimit: RateLimit): Promise<number> {
    const interval = rateLimitIntervalMs(rateLimit);
    const wait = await this.redis.eval(TAKE_SLOT, 1, tasksKeys.rateLimit(this.prefix, taskName), interval);
    return Number(wait);
  }
}
