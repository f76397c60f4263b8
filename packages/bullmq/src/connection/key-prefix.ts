import { ClusterShardingError } from '@tasks/core';
import { BULLMQ_DEFAULTS } from '../defaults';
import type { BullmqConnectionOptions } from '../options';
import { isClusterConnection } from './cluster-client';

/**
 * The prefix of our own keys (revokes, control channel, rate limits, schedules), and of
 * every queue's keys unless queues are sharded. On a Redis Cluster a prefix without a
 * `{…}` hash tag is wrapped in one (`tasks` becomes `{tasks}`), so that every queue,
 * schedule and control key hashes to one slot and multi-key commands work.
 * Throws {@link ClusterShardingError} when `shardByQueue` meets a prefix holding a tag.
 */
export function keyPrefix(options: BullmqConnectionOptions): string {
  const prefix = options.prefix ?? BULLMQ_DEFAULTS.prefix;
  if (!onCluster(options)) return prefix;
  if (options.cluster?.shardByQueue === true && hasHashTag(prefix)) {
    throw new ClusterShardingError(
      `the prefix '${prefix}' holds a hash tag, which would put every queue in one slot; give a prefix without braces (each queue is tagged '{<prefix>:<queue>}'), or drop shardByQueue.`,
    );
  }
  return hasHashTag(prefix) ? prefix : `{${prefix}}`;
}

/**
 * The prefix BullMQ gets for `queue`: {@link keyPrefix}, or with `cluster.shardByQueue` on
 * a cluster, a hash tag of the queue's own (`{tasks:emails}`), so queues spread over the masters.
 */
export function queuePrefix(options: BullmqConnectionOptions, queue: string): string {
  if (!onCluster(options) || options.cluster?.shardByQueue !== true) return keyPrefix(options);
  return `{${options.prefix ?? BULLMQ_DEFAULTS.prefix}:${queue}}`;
}

function onCluster(options: BullmqConnectionOptions): boolean {
  return isClusterConnection(options.connection ?? BULLMQ_DEFAULTS.connection);
}

/** Redis hashes only what is between the first `{` and the next `}`, when that is not empty. */
function hasHashTag(key: string): boolean {
  const open = key.indexOf('{');
  if (open < 0) return false;
  const close = key.indexOf('}', open + 1);
  return close > open + 1;
}

/**
 * Refuses a canvas (chain, group, chord, `link`/`linkError`) whose tasks span queues when
 * queues are sharded: its tasks, flows and step records are written together, which a
 * cluster allows in one slot only, and each queue has a slot of its own. A canvas whose
 * every task is on one queue is in one slot, and is allowed.
 * @param queues the queues of every task of the canvas, callbacks and links included.
 */
export function assertCanvasAllowed(options: BullmqConnectionOptions, queues: ReadonlySet<string>): void {
  if (!onCluster(options) || options.cluster?.shardByQueue !== true || queues.size <= 1) return;
  const names = [...queues].sort().map((queue) => `'${queue}'`).join(', ');
  throw new ClusterShardingError(
    `a canvas (chain, group, chord, link or linkError) spans the queues ${names}, and with queues sharded each queue has a slot of its own, while a canvas is written in one slot; put all of its tasks on one queue (the \`queue\` option of each signature or task), or drop shardByQueue (every queue in one slot).`,
  );
}
