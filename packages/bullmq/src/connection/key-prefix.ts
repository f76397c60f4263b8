import { BULLMQ_DEFAULTS } from '../defaults';
import type { BullmqConnectionOptions } from '../options';
import { isClusterConnection } from './cluster-client';

/**
 * The prefix of every key we and BullMQ write. On a Redis Cluster a prefix without a
 * `{…}` hash tag is wrapped in one (`tasks` becomes `{tasks}`), so that every queue,
 * flow, schedule and control key hashes to one slot and multi-key commands work.
 */
export function keyPrefix(options: BullmqConnectionOptions): string {
  const prefix = options.prefix ?? BULLMQ_DEFAULTS.prefix;
  const connection = options.connection ?? BULLMQ_DEFAULTS.connection;
  if (!isClusterConnection(connection) || hasHashTag(prefix)) return prefix;
  return `{${prefix}}`;
}

/** Redis hashes only what is between the first `{` and the next `}`, when that is not empty. */
function hasHashTag(key: string): boolean {
  const open = key.indexOf('{');
  if (open < 0) return false;
  const close = key.indexOf('}', open + 1);
  return close > open + 1;
}
