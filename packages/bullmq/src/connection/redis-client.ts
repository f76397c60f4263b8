import { RedisConnectionError } from '@tasks/core';
import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import { BULLMQ_DEFAULTS } from '../defaults';
import type { BullmqConnectionOptions } from '../options';
import { createClusterClient, describeCluster, isClusterConnection } from './cluster-client';
import { keyPrefix } from './key-prefix';
import { CLOSE_STEP_MS, settlesWithin } from '../utils/settles-within';

/** A client of a single Redis or of a Redis Cluster. */
export type RedisClient = Redis | Cluster;

import { forget, reportDown, reportUp } from './outage-log';

/** See `disconnectTimeout` in {@link createRedis}. */
const DISCONNECT_TIMEOUT_MS = 200;

/** What a client is for: blocking clients (workers, event readers) must never give up on a command. */
export type RedisRole = 'commands' | 'blocking';

/**
 * Opens an ioredis client and waits until Redis answers, failing with a
 * {@link RedisConnectionError} after `connectTimeoutMs` instead of letting
 * ioredis retry forever in silence, or at once when Redis refuses us (wrong
 * password, untrusted TLS certificate). Once connected, the client reconnects by itself.
 */
export async function openRedis(options: BullmqConnectionOptions, role: RedisRole, purpose: string): Promise<RedisClient> {
  const redis = createRedis(options, role, purpose);
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
 * `CLIENT LIST` tells the clients of one application apart. Its connection errors go
 * to the outage log (one line when an outage starts, one when it ends).
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
    // How long a disconnect waits for the socket to close before destroying it (ioredis: 2 s,
    // a ref'd timer). A socket that already failed never closes again: the process would
    // wait that long to exit after closing while Redis is down.
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
  };
  const connection = options.connection ?? BULLMQ_DEFAULTS.connection;
  const redis: RedisClient = isClusterConnection(connection)
    ? createClusterClient(connection, shared)
    : typeof connection === 'string'
      ? new Redis(connection, shared)
      : new Redis({ ...connection, ...shared });
  const target = describeTarget(options);
  redis.on('error', (error: Error) => reportDown(target, redis, error));
  redis.on('ready', () => reportUp(target, redis));
  redis.on('end', () => forget(target, redis));
  return redis;
}

/** `host:port` or the URL without its password, for messages. */
export function describeTarget(options: BullmqConnectionOptions): string {
  const connection = options.connection ?? BULLMQ_DEFAULTS.connection;
  if (typeof connection === 'string') return connection.replace(/^(\w+:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
  if (isClusterConnection(connection)) return describeCluster(connection);
  return `${connection.host ?? '127.0.0.1'}:${connection.port ?? 6379}`;
}

export function connectTimeoutMs(options: BullmqConnectionOptions): number {
  return options.connectTimeoutMs ?? BULLMQ_DEFAULTS.connectTimeoutMs;
}

/**
 * Errors that no reconnect will cure: Redis refused our password, or the TLS layer
 * refused its certificate. Waiting for the timeout would only hide them.
 */
export function isRefusal(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/.test(code)) return true;
  return /^(WRONGPASS|NOAUTH|NOPERM)\b|invalid username-password|ERR AUTH/i.test(error.message);
}

/** The refusal behind `error`: itself, or on a cluster the last node's error behind "Failed to refresh slots cache". */
function refusalIn(error: Error): Error | undefined {
  const nodeError = (error as { lastNodeError?: unknown }).lastNodeError;
  return [error, nodeError].find((candidate): candidate is Error => candidate instanceof Error && isRefusal(candidate));
}

/** One wait per client, however many callers wait on it, so listeners do not pile up during an outage. */
const readiness = new WeakMap<RedisClient, Promise<void>>();

/**
 * Resolves once `redis` is connected, waiting through a reconnect for at most
 * `connectTimeoutMs`; rejects with a {@link RedisConnectionError} after it, or at
 * once when Redis refuses us (its `cause` is the server's or TLS layer's error).
 *
 * Called before a write that must not sit in ioredis' offline queue: a publish
 * made during an outage fails within the timeout, and since nothing was sent
 * it can be retried without running the task twice. (A BullMQ queue opened
 * during an outage would otherwise wait for Redis for ever.)
 */
export function requireReady(redis: RedisClient, options: BullmqConnectionOptions): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  let waiting = readiness.get(redis);
  if (!waiting) {
    waiting = waitForReady(redis, options).finally(() => readiness.delete(redis));
    readiness.set(redis, waiting);
  }
  return waiting;
}

function waitForReady(redis: RedisClient, options: BullmqConnectionOptions): Promise<void> {
  const timeoutMs = connectTimeoutMs(options);
  const target = describeTarget(options);
  const started = Date.now();
  if (redis.status === 'end') return Promise.reject(new RedisConnectionError(target, timeoutMs, { reason: 'the connection was closed' }));
  let lastError: Error | undefined;
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('end', onEnd);
      redis.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => finish();
    const onEnd = () => finish(new RedisConnectionError(target, timeoutMs, { reason: `the connection was closed after ${Date.now() - started} ms`, cause: lastError }));
    const onError = (error: Error) => {
      lastError = error;
      const refusal = refusalIn(error);
      if (refusal) finish(new RedisConnectionError(target, timeoutMs, { reason: refusal.message, cause: error }));
    };
    const timer = setTimeout(() => finish(new RedisConnectionError(target, timeoutMs, { cause: lastError ?? new Error(`the connection was ${redis.status}`) })), timeoutMs);
    redis.on('ready', onReady);
    redis.on('end', onEnd);
    redis.on('error', onError);
  });
}

/**
 * Disconnects at once, and ends a client that was waiting to reconnect (Redis down).
 * ioredis drops such a client's reconnect timer but never takes it to `end`: its queued
 * commands never settle, and whoever waits for `end` (BullMQ, closing a worker) waits for
 * ever while its other timers keep the process alive. This takes it there as ioredis
 * does when a closed connection is not to be reopened.
 */
export function disconnectNow(client: RedisClient): void {
  client.disconnect();
  if (!(client instanceof Redis) || client.status !== 'reconnecting') return;
  const halfClosed = client as unknown as { setStatus?: (status: 'end') => void; flushQueue?: (error: Error) => void };
  halfClosed.setStatus?.('end');
  halfClosed.flushQueue?.(new Error('Connection is closed.'));
}

/**
 * A last command of a close (a `QUIT`, removing an entry that would otherwise expire): sent only
 * while the client is ready, since with Redis away it could only wait out its retries, and given
 * up after {@link CLOSE_STEP_MS}, as with Redis paused it would wait for the pause to end.
 */
export async function lastCommand(client: RedisClient, send: () => Promise<unknown>): Promise<void> {
  if (client.status === 'ready') await settlesWithin(send(), CLOSE_STEP_MS);
}

/** Closes a client of ours: a `QUIT` as its {@link lastCommand}, then {@link disconnectNow}. */
export async function closeRedis(client: RedisClient): Promise<void> {
  await lastCommand(client, () => client.quit());
  disconnectNow(client);
}
