import { Cluster, type RedisOptions } from 'ioredis';
import type { RedisClusterConnection, RedisConnection } from '../options';

/** True when `connection` names a Redis Cluster: `{ cluster: [...] }` or an ioredis `Cluster`. */
export function isClusterConnection(connection: RedisConnection): connection is RedisClusterConnection | Cluster {
  return typeof connection === 'object' && (isClusterInstance(connection) || 'cluster' in connection);
}

function isClusterInstance(connection: object): connection is Cluster {
  return (connection as { isCluster?: unknown }).isCluster === true;
}

/**
 * Opens a cluster client with our per-node settings (`shared`: name, connect timeout,
 * retries) over the user's. A `Cluster` instance is duplicated, never used itself, so
 * that closing our clients never closes the application's.
 */
export function createClusterClient(connection: RedisClusterConnection | Cluster, shared: RedisOptions): Cluster {
  const { retryStrategy, ...perNode } = shared;
  if (isClusterInstance(connection)) {
    const redisOptions = { ...connection.options.redisOptions, ...perNode };
    return connection.duplicate([], { clusterRetryStrategy: retryStrategy, redisOptions });
  }
  const { cluster: nodes, ...options } = connection;
  return new Cluster(nodes, { ...options, clusterRetryStrategy: retryStrategy, redisOptions: { ...options.redisOptions, ...perNode } });
}

/** The startup nodes, as `cluster host:port,host:port`, for messages. */
export function describeCluster(connection: RedisClusterConnection | Cluster): string {
  // A Cluster keeps its startup nodes in a field the typings mark private.
  const nodes: unknown[] = isClusterInstance(connection) ? ((connection as unknown as { startupNodes?: unknown[] }).startupNodes ?? []) : connection.cluster;
  return `cluster ${nodes.map(describeNode).join(',')}`;
}

function describeNode(node: unknown): string {
  if (typeof node === 'number') return `127.0.0.1:${node}`;
  if (typeof node === 'string') return node.replace(/\/\/[^@/]*@/, '//');
  const { host = '127.0.0.1', port = 6379 } = node as { host?: string; port?: number };
  return `${host}:${port}`;
}
