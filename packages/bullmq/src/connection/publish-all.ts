import type { Cluster } from 'ioredis';
import type { RedisClient } from './redis-client';

/**
 * Publishes `message` on `channel` and resolves with how many subscribers it reached.
 *
 * A Redis answers PUBLISH with that count. A cluster forwards the message to every
 * node, but answers with the subscribers of the node that took it only; there the
 * count is the sum of `PUBSUB NUMSUB` over every node, asked before publishing, so a
 * requester that waits for one reply per subscriber waits for all of them.
 */
export async function publishToAll(redis: RedisClient, channel: string, message: string): Promise<number> {
  if (!isCluster(redis)) return redis.publish(channel, message);
  const counts = await Promise.all(redis.nodes('all').map((node) => node.pubsub('NUMSUB', channel) as Promise<[string, number | string]>));
  const subscribers = counts.reduce((sum, [, count]) => sum + Number(count), 0);
  const local = await redis.publish(channel, message);
  return Math.max(subscribers, local);
}

function isCluster(redis: RedisClient): redis is Cluster {
  return (redis as { isCluster?: unknown }).isCluster === true;
}
