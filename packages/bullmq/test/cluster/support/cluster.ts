import type { TaskRegistry } from '@tasks/core';
import { Cluster, Redis } from 'ioredis';
import { BullmqExecutor, TaskWorker, type RedisClusterConnection, type TaskWorkerOptions } from '../../../src';
import { uniquePrefix } from '../../support/redis';

/** The cluster's nodes, from `REDIS_CLUSTER_NODES` (`host:port,…`). */
export const CLUSTER_NODES = (process.env.REDIS_CLUSTER_NODES ?? '127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002').split(',').map((node) => {
  const [host, port] = node.trim().split(':');
  return { host: host!, port: Number(port) };
});

/** The `connection` option for the test cluster. */
export function clusterConnection(): RedisClusterConnection {
  return { cluster: CLUSTER_NODES };
}

/** Runs `use` with a cluster client of the test's own, then closes it. */
export async function withCluster<T>(use: (cluster: Cluster) => Promise<T>): Promise<T> {
  const cluster = new Cluster(CLUSTER_NODES);
  try {
    return await use(cluster);
  } finally {
    cluster.disconnect();
  }
}

/**
 * Every key under `prefix` (its hash-tagged forms, `{prefix}` and `{prefix:queue}`, and untagged ones), by node: SCAN on a
 * cluster only sees the node it is sent to, so each master is scanned.
 */
export async function clusterKeys(prefix: string): Promise<Map<string, string[]>> {
  return withCluster((cluster) => scanMasters(cluster, prefix, async () => undefined));
}

/** Deletes every key under `prefix` on every master. */
export async function deleteClusterKeys(prefix: string): Promise<void> {
  await withCluster((cluster) =>
    scanMasters(cluster, prefix, async (master, keys) => {
      // One key per command: keys of different slots can not go in one DEL.
      await Promise.all(keys.map((key) => master.unlink(key)));
    }),
  );
}

/**
 * After a test: checks that every key written under `prefix` carries the prefix's hash tag
 * (`{prefix}`, or `{prefix:queue}` for a queue's keys with `shardByQueue`), apart from the
 * worker fixture's own record of what ran (`<prefix>::runs`), then deletes them all.
 */
export async function expectTaggedKeysThenDelete(prefix: string): Promise<void> {
  const keys = [...(await clusterKeys(prefix)).values()].flat();
  expect(keys.filter((key) => !key.startsWith(`{${prefix}}:`) && !key.startsWith(`{${prefix}:`) && key !== `${prefix}::runs`)).toEqual([]);
  await deleteClusterKeys(prefix);
}

async function scanMasters(cluster: Cluster, prefix: string, onKeys: (master: Redis, keys: string[]) => Promise<void>): Promise<Map<string, string[]>> {
  await cluster.ping();
  const found = new Map<string, string[]>();
  for (const master of cluster.nodes('master')) {
    const node = `${master.options.host}:${master.options.port}`;
    const keys: string[] = [];
    let cursor = '0';
    do {
      // `{prefix}:…`, with shardByQueue `{prefix:queue}:…` too, and any key of the prefix left without its tag.
      const [next, batch] = await master.scan(cursor, 'MATCH', `*${prefix}[:}]*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
      await onKeys(master, batch);
    } while (cursor !== '0');
    found.set(node, keys);
  }
  return found;
}

export interface ClusterHarness {
  prefix: string;
  executor: BullmqExecutor;
  worker: TaskWorker;
  close(): Promise<void>;
}

/** An executor and a started worker on the test cluster, on a prefix of their own; `close` removes every key. */
export async function startClusterHarness(registry: TaskRegistry, workerOptions: Partial<TaskWorkerOptions> = {}): Promise<ClusterHarness> {
  const prefix = uniquePrefix('cluster');
  const executor = await BullmqExecutor.connect({ connection: clusterConnection(), prefix, registry });
  const worker = new TaskWorker({ connection: clusterConnection(), prefix, registry, concurrency: 5, ...workerOptions });
  await worker.start();
  return {
    prefix,
    executor,
    worker,
    close: async () => {
      await worker.close();
      await executor.close();
      await deleteClusterKeys(prefix);
    },
  };
}
