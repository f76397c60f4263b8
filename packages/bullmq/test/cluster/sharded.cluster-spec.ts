import { ClusterShardingError, TaskContext, TaskRegistry, TaskRevokedError, TaskState } from '@tasks/core';
import { BullmqExecutor, TaskWorker } from '../../src';
import { deferred } from '../support/harness';
import { uniquePrefix } from '../support/redis';
import { clusterConnection, clusterKeys, deleteClusterKeys, withCluster } from './support/cluster';

const QUEUES = ['default', 'math', 'emails', 'reports'];

describe('cluster: { shardByQueue: true }', () => {
  const cluster = { shardByQueue: true };
  let prefix: string;
  let executor: BullmqExecutor;
  let worker: TaskWorker;
  let started = deferred<string>();

  beforeAll(async () => {
    prefix = uniquePrefix('sharded');
    const registry = new TaskRegistry();
    for (const queue of QUEUES) registry.register((n: number) => `${queue}:${n * 2}`, { name: `sharded.${queue}`, queue });
    registry.register(
      async () => {
        const context = TaskContext.current();
        started.resolve(context.id);
        await new Promise((_, reject) => context.abortSignal.addEventListener('abort', () => reject(context.abortSignal.reason)));
      },
      { name: 'sharded.abortable', queue: 'emails' },
    );
    registry.register(() => 'tick', { name: 'sharded.tick', queue: 'reports' });
    executor = await BullmqExecutor.connect({ connection: clusterConnection(), prefix, cluster, registry });
    worker = new TaskWorker({ connection: clusterConnection(), prefix, cluster, registry, queues: QUEUES });
    await worker.start();
  });
  afterAll(async () => {
    await worker.close();
    await executor.close();
    await deleteClusterKeys(prefix);
    expect([...(await clusterKeys(prefix)).values()].flat()).toEqual([]);
  });

  it('runs tasks on every queue and puts each queue in the slot of its own tag, {prefix:queue}', async () => {
    const results = await Promise.all(QUEUES.map((queue, n) => executor.delay(`sharded.${queue}`, n)));
    expect(await Promise.all(results.map((result) => result.get({ timeoutMs: 10_000 })))).toEqual(QUEUES.map((queue, n) => `${queue}:${n * 2}`));

    const byNode = await clusterKeys(prefix);
    await withCluster(async (client) => {
      const slotOf = (key: string) => client.cluster('KEYSLOT', key) as Promise<number>;
      const slots = new Map<string, number>();
      for (const queue of QUEUES) slots.set(queue, await slotOf(`{${prefix}:${queue}}`));
      for (const key of [...byNode.values()].flat()) {
        const queue = QUEUES.find((name) => key.startsWith(`{${prefix}:${name}}:${name}:`));
        // Our own keys (revokes, rate limits, schedules) keep the prefix's tag.
        if (queue === undefined) expect(key.startsWith(`{${prefix}}::`)).toBe(true);
        const expected = queue === undefined ? await slotOf(`{${prefix}}`) : slots.get(queue)!;
        expect({ key, slot: await slotOf(key) }).toEqual({ key, slot: expected });
      }
      for (const queue of QUEUES) expect([...byNode.values()].flat().some((key) => key.startsWith(`{${prefix}:${queue}}:${queue}:`))).toBe(true);
    });
  });

  it('revokes a running task and reads its state from its queue', async () => {
    const running = await executor.delay('sharded.abortable');
    expect(await started.promise).toBe(running.id);
    expect(await executor.revoke(running.id, { terminate: true })).toMatchObject({ revoked: true, previousState: TaskState.STARTED });
    await expect(running.get({ timeoutMs: 10_000 })).rejects.toBeInstanceOf(TaskRevokedError);
    expect(await executor.result(running.id).state()).toBe(TaskState.REVOKED);
    started = deferred<string>();
  });

  it('runs a schedule tick on its queue', async () => {
    await executor.schedules.upsert('sharded-hourly', { task: 'sharded.tick', every: '1h' });
    const info = await executor.schedules.get('sharded-hourly');
    expect(info).toMatchObject({ id: 'sharded-hourly', queue: 'reports' });
    const tick = await executor.schedules.runNow('sharded-hourly');
    await expect(tick.get({ timeoutMs: 10_000 })).resolves.toBe('tick');
  });

  it('refuses a canvas at delay(), as its tasks would span tags', async () => {
    const sig = (queue: string, n: number) => executor.canvas.signature(`sharded.${queue}`, [n]);
    await expect(executor.canvas.chain(sig('default', 1), sig('math', 2)).delay()).rejects.toThrow(ClusterShardingError);
    await expect(executor.canvas.group([sig('default', 1), sig('emails', 2)]).delay()).rejects.toThrow(/one slot only/);
  });

  it('refuses a prefix that already holds a hash tag, naming the fix', async () => {
    const tagged = `{${uniquePrefix('sharded')}}`;
    const connect = BullmqExecutor.connect({ connection: clusterConnection(), prefix: tagged, cluster });
    await expect(connect).rejects.toBeInstanceOf(ClusterShardingError);
    await expect(connect).rejects.toThrow(/without braces/);
    expect(() => new TaskWorker({ connection: clusterConnection(), prefix: tagged, cluster, registry: new TaskRegistry() })).toThrow(ClusterShardingError);
  });
});
