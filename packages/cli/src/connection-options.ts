import type { RedisConnection } from '@tasks/bullmq';
import { UsageError } from './errors/usage.error';

/** The global flags that say which Redis to talk to, and whether `--url` was given on the command line. */
export interface ConnectionFlags {
  url: string;
  urlGiven: boolean;
  cluster?: string;
  shardByQueue: boolean;
}

/** What the application's `connection` and `cluster` options are, as far as the flags say. */
export interface FlagConnection {
  connection: RedisConnection;
  cluster?: { shardByQueue: boolean };
}

const NODE_FORM = 'host:port,host:port (e.g. 10.0.0.1:7000,10.0.0.2:7000)';

/**
 * The connection of `--url`, or of `--cluster` with `--shard-by-queue`. `--url` given
 * with `--cluster` is refused (which one is meant is not for us to guess), and so is
 * `--shard-by-queue` without `--cluster`: on one Redis it would change nothing, so it
 * is a sign of the wrong target.
 */
export function connectionFromFlags(flags: ConnectionFlags): FlagConnection {
  if (flags.cluster === undefined) {
    if (flags.shardByQueue) throw new UsageError('--shard-by-queue applies to a Redis Cluster only; give the cluster with --cluster <host:port,...>, or drop --shard-by-queue.');
    return { connection: flags.url };
  }
  if (flags.urlGiven) throw new UsageError('--url and --cluster both name the Redis to use; give one of them: --url for one Redis, --cluster for the startup nodes of a Redis Cluster.');
  return { connection: { cluster: parseClusterNodes(flags.cluster) }, cluster: { shardByQueue: flags.shardByQueue } };
}

/** `host:port,host:port` (IPv6 hosts in brackets: `[::1]:7000`) as startup nodes. */
export function parseClusterNodes(list: string): Array<{ host: string; port: number }> {
  return list.split(',').map((raw) => {
    const entry = raw.trim();
    const match = /^(?:\[([^\]]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[3]);
    if (!match || port < 1 || port > 65535) {
      throw new UsageError(`--cluster: '${entry}' is not a node as host:port; give the startup nodes as ${NODE_FORM}.`);
    }
    return { host: match[1] ?? match[2]!, port };
  });
}
