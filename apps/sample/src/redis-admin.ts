import { Redis } from 'ioredis';

/** Whether a Redis answers at `url` within `timeoutMs`; never retries, never logs. */
export async function isRedisReachable(url: string, timeoutMs: number): Promise<boolean> {
  // No connectTimeout: ioredis leaves its timer running after a refused connection; the race below times out instead.
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 0, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    const answered = redis.connect().then(() => redis.ping()).then(() => true, () => false);
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
    // Disconnecting a connection that already ended would hold the process for ioredis' disconnect timeout.
    if (redis.status !== 'end') redis.disconnect();
  }
}

/** Deletes every key under `prefix:` (what one run of the service wrote, task queues included). */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
