import { RedisConnectionError } from '@tasks/core';
import type { Redis } from 'ioredis';
import type { BullmqConnectionOptions } from '../options';
import { connectTimeoutMs, describeTarget } from './redis-client';

/**
 * Resolves once `redis` is connected, waiting through a reconnect for at most
 * `connectTimeoutMs`, else rejects with a {@link RedisConnectionError}.
 *
 * Called before a write that must not sit in ioredis' offline queue: a publish
 * made during an outage fails within the timeout, and since nothing was sent
 * it can be retried without running the task twice. (A BullMQ queue opened
 * during an outage would otherwise wait for Redis for ever.)
 */
export async function requireReady(redis: Redis, options: BullmqConnectionOptions): Promise<void> {
  if (redis.status === 'ready') return;
  const timeoutMs = connectTimeoutMs(options);
  const fail = (why: string) => new RedisConnectionError(describeTarget(options), timeoutMs, { cause: new Error(why) });
  if (redis.status === 'end') throw fail('the connection was closed');
  await new Promise<void>((resolve, reject) => {
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onEnd = () => {
      cleanup();
      reject(fail('the connection was closed'));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(fail(`the connection was ${redis.status} and did not recover within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('end', onEnd);
    };
    redis.on('ready', onReady);
    redis.on('end', onEnd);
  });
}
