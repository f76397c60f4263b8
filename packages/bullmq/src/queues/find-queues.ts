import type { Cluster, Redis } from 'ioredis';
import { queuePrefix } from '../connection/key-prefix';
import type { RedisClient } from '../connection/redis-client';
import type { BullmqConnectionOptions } from '../options';

/** Stands for the queue name while the scan pattern is built; no prefix or queue holds it. */
const QUEUE_MARK = '\u0000';

/**
 * The queues that exist under the prefix, sorted, read from the `meta` key BullMQ keeps
 * per queue (`<queue prefix>:<queue>:meta`). SCAN on a cluster sees only the node it is
 * sent to, so every master is scanned. A key counts only when it is exactly the key its
 * queue would have, so a prefix that begins like ours (`tasks:eu`) is not taken for ours.
 */
export async function findQueues(redis: RedisClient, options: BullmqConnectionOptions): Promise<string[]> {
  const metaKey = (queue: string) => `${queuePrefix(options, queue)}:${queue}:meta`;
  const pattern = metaKey(QUEUE_MARK).split(QUEUE_MARK).map(escapeGlob).join('*');
  const found = new Set<string>();
  for (const master of masters(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await master.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        // Queue names hold no ':', so the queue is the last part before `:meta`.
        const queue = key.slice(0, -':meta'.length).split(':').pop()!;
        if (queue !== '' && metaKey(queue) === key) found.add(queue);
      }
    } while (cursor !== '0');
  }
  return [...found].sort();
}

function masters(redis: RedisClient): Redis[] {
  return redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
}

/** SCAN patterns are globs: a prefix's own `*`, `?`, `[`, `]` or `\` must match only itself. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
