import type { RedisClient as Redis } from './redis-client';

/** Resolves once `redis` is not ready (at once if it is not); `stop` removes the listeners. */
export function untilDown(redis: Redis): { promise: Promise<void>; stop: () => void } {
  if (redis.status !== 'ready') return { promise: Promise.resolve(), stop: () => undefined };
  let stop: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    const down = () => {
      stop();
      resolve();
    };
    redis.on('close', down);
    redis.on('end', down);
    stop = () => {
      redis.off('close', down);
      redis.off('end', down);
    };
  });
  return { promise, stop };
}
