import { RedisConnectionError } from '@tasks/core';
import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import { BULLMQ_DEFAULTS } from '../defaults';
import type { BullmqConnectionOptions } from '../options';
import { createClusterClient, describeCluster, isClusterConnection } from './cluster-client';
import { keyPrefix } from './key-prefix';

/** A client of a single Redis or of a Redis Cluster. */
export type RedisClient = Redis | Cluster;


/** What a client is for: blocking clients (workers, event readers) must never give up on a command. */
export type RedisRole = 'commands' | 'blocking';

/**
 * Opens an ioredis client and waits until Redis answers, failing with a
 * {@link RedisConnectionError} after `connectTimeoutMs` instead of letting
 * ioredis retry forever in silence. Once connected, the client reconnects by itself.
 */
export async function openRedis(options: BullmqConnectionOptions, role: RedisRole, purpose: string): Promise<RedisClient> {
  const redis = createRedis(options, role, purpose);
  // Connection errors are reported by requireReady (and, once connected, by the reconnects
  // themselves), not by ioredis' "unhandled error event" log.
  redis.on('error', () => undefined);
  try {
    await requireReady(redis, options);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}

/**
 * Creates a client without waiting for it (for extra clients once Redis is known to answer).
 * It is named `<prefix>:<purpose>` (`tasks:publisher`, `tasks:worker:<name>`…), so that
 * `CLIENT LIST` tells the clients of one application apart.
 */
export function createRedis(options: BullmqConnectionOptions, role: RedisRole, purpose: string): RedisClient {
  const shared: RedisOptions = {
    connectionName: `${keyPrefix(options)}:${purpose}`,
    connectTimeout: connectTimeoutMs(options),
    // Reconnect quickly after a drop, backing off to one second.
    retryStrategy: (times) => Math.min(times * 100, 1000),
    // Commands (publishing, results) fail after a couple of reconnect attempts rather
    // than waiting in memory for ever; blocking clients wait, as BullMQ requires.
    maxRetriesPerRequest: role === 'blocking' ? null : 2,
  };
  const connection = options.connection ?? BULLMQ_DEFAULTS.connection;
  if (isClusterConnection(connection)) return createClusterClient(connection, shared);
  return typeof connection === 'string' ? new Redis(connection, shared) : new Redis({ ...connection, ...shared });
}

/** `host:port` or the URL without its password, for messages. */
export function describeTarget(options: BullmqConnectionOptions): string {
  const connection = options.connection ?? BULLMQ_DEFAULTS.connection;
  if (typeof connection === 'string') return connection;
  if (isClusterConnection(connection)) return describeCluster(connection);
  return `${connection.host ?? '127.0.0.1'}:${connection.port ?? 6379}`;
}

export function connectTimeoutMs(options: BullmqConnectionOptions): number {
  return options.connectTimeoutMs ?? BULLMQ_DEFAULTS.connectTimeoutMs;
}

/**
 * Resolves once `redis` is connected, waiting through a reconnect for at most
 * `connectTimeoutMs`, else rejects with a {@link RedisConnectionError}.
 *
 * Called before a write that must not sit in ioredis' offline queue: a publish
 * made during an outage fails within the timeout, and since nothing was sent
 * it can be retried without running the task twice. (A BullMQ queue opened
 * during an outage would otherwise wait for Redis for ever.)
 */
export async function requireReady(redis: RedisClient, options: BullmqConnectionOptions): Promise<void> {
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
