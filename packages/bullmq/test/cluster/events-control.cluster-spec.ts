import { taskSuccess, type RemoteSignalEvent, type RemoteSignalEventOf } from '@tasks/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BullmqExecutor, TaskEvents, TasksControl, type BullmqConnectionOptions } from '../../src';
import { queuePrefix } from '../../src/connection/key-prefix';
import { publishToAll } from '../../src/connection/publish-all';
import { orderPaid, type OrderPaid } from '../fixtures/cluster-signals';
import { Heard, readUntil, taskIdOf } from '../support/heard';
import { uniquePrefix } from '../support/redis';
import { CLUSTER_NODES, clusterConnection, expectTaggedKeysThenDelete, withCluster } from './support/cluster';
import { ClusterProcesses, type ClusterProcess } from './support/cluster-processes';

// Cluster signals, task events and remote control, with worker processes of their own,
// in both layouts: every key in the prefix's slot, and each queue in a slot of its own.
describe.each([
  { layout: 'one slot (default)', shardByQueue: false },
  { layout: 'cluster: { shardByQueue: true }', shardByQueue: true },
])('events and control on a Redis Cluster, $layout', ({ shardByQueue }) => {
  const children = new ClusterProcesses();
  const offs: Array<() => boolean> = [];
  let prefix: string;
  let options: BullmqConnectionOptions;
  let executor: BullmqExecutor | undefined;
  let control: TasksControl | undefined;

  const spawn = (name: string, concurrency: number): Promise<ClusterProcess> =>
    children.spawn({ prefix, name, concurrency, cluster: { nodes: CLUSTER_NODES, shardByQueue } });

  beforeEach(() => {
    prefix = uniquePrefix('cluster-events');
    options = { connection: clusterConnection(), prefix, cluster: { shardByQueue } };
  });
  afterEach(async () => {
    offs.splice(0).forEach((off) => off());
    await control?.close();
    control = undefined;
    await executor?.close();
    executor = undefined;
    await children.killAll();
    await expectTaggedKeysThenDelete(prefix);
  });

  it('a cluster receiver hears task_success and a custom cluster signal from two worker processes', async () => {
    const successes = new Heard<RemoteSignalEvent<'task_success'>>();
    const paid = new Heard<RemoteSignalEventOf<OrderPaid>>();
    offs.push(taskSuccess.connect(successes.receiver as never, { sender: 'cluster.add', scope: 'cluster' }));
    offs.push(orderPaid.connect(paid.receiver as never));
    executor = await BullmqExecutor.connect(options);
    const [w1, w2] = await Promise.all([spawn('w1', 2), spawn('w2', 2)]);

    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => executor!.delay('cluster.add', i, 1)));
    // Another task's success is filtered out at the source.
    await executor.delay('cluster.other').then((other) => other.get({ timeoutMs: 20_000 }));
    await Promise.all([w1.ask({ cmd: 'send', count: 3 }, 'sent'), w2.ask({ cmd: 'send', count: 3 }, 'sent')]);
    await successes.until(6);
    await paid.until(6);

    expect(successes.events.map((e) => e.taskId).sort()).toEqual(results.map((r) => r.id).sort());
    for (const event of successes.events) {
      expect(event).toMatchObject({ signal: 'task_success', sender: 'cluster.add', result: (event.args[0] as number) + 1 });
      expect([w1.pid, w2.pid]).toContain(event.origin.pid);
    }
    expect(paid.events.map((e) => `${e.sender}:${e.n}`).sort()).toEqual(['w1:1', 'w1:2', 'w1:3', 'w2:1', 'w2:2', 'w2:3']);
    // Per sender, in order.
    expect(paid.events.filter((e) => e.sender === 'w1').map((e) => e.n)).toEqual([1, 2, 3]);
  });

  it('TaskEvents.open() reads the events of a task run by a worker process', async () => {
    const events = await TaskEvents.open(options);
    try {
      const worker = await spawn('w1', 2);
      executor = await BullmqExecutor.connect(options);
      const result = await executor.delay('cluster.add', 2, 3);
      const seen = await readUntil(events, (e) => taskIdOf(e) === result.id && e.signal === 'task_postrun');
      const ran = seen.filter((e) => taskIdOf(e) === result.id && e.origin.pid === worker.pid);
      expect(ran.map((e) => [e.signal, e.type])).toEqual([
        ['task_received', 'task-received'],
        ['task_prerun', 'task-started'],
        ['task_success', 'task-succeeded'],
        ['task_postrun', null],
      ]);
      expect(ran[2]!.payload).toMatchObject({ taskId: result.id, args: [2, 3], result: 5 });
      expect(seen.some((e) => e.type === 'worker-online' && e.sender === 'w1')).toBe(true);
      const history = await TaskEvents.history(options);
      expect(history.filter((e) => taskIdOf(e) === result.id).map((e) => e.signal)).toEqual(expect.arrayContaining(['task_success', 'after_task_publish']));
    } finally {
      await events.close();
    }
  });

  it('TasksControl: ping, inspect active and scheduled, setConcurrency, workers and purge', async () => {
    control = new TasksControl({ ...options, timeoutMs: 5000 });
    executor = await BullmqExecutor.connect(options);
    const [w1, w2] = await Promise.all([spawn('w1', 1), spawn('w2', 1)]);

    const pings = await control.ping();
    expect(pings.map((p) => [p.worker, p.value, p.pid])).toEqual([['w1', 'pong', w1.pid], ['w2', 'pong', w2.pid]]);

    // Four tasks for two workers of concurrency 1: one runs on each.
    const ids = await Promise.all(Array.from({ length: 4 }, () => executor!.delay('control.hang').then((r) => r.id)));
    const startedOn = (child: ClusterProcess) => child.messages.filter((m) => m.kind === 'started').map((m) => (m as { taskId: string }).taskId);
    await Promise.all([w1.waitFor('started'), w2.waitFor('started')]);
    const active = await control.inspect('active');
    expect(active.map((r) => [r.worker, (r.value ?? []).map((task) => task.id)])).toEqual([['w1', startedOn(w1)], ['w2', startedOn(w2)]]);
    expect(active.flatMap((r) => r.value ?? []).every((task) => task.name === 'control.hang')).toBe(true);

    // w1 takes the two left once its concurrency is 3.
    expect(await control.setConcurrency('w1', 3)).toEqual([expect.objectContaining({ worker: 'w1', value: { concurrency: 3 } })]);
    await w1.waitFor('started', () => startedOn(w1).length === 3);
    expect([...startedOn(w1), ...startedOn(w2)].sort()).toEqual([...ids].sort());
    const stats = await control.inspect('stats', { worker: 'w1' });
    expect(stats.map((s) => s.value)).toEqual([expect.objectContaining({ concurrency: 3, active: 3 })]);
    expect((await control.workers()).map((w) => [w.name, w.pid])).toEqual([['w1', w1.pid], ['w2', w2.pid]]);

    // A delayed task of the workers' queue is reported by each of them.
    const later = await executor.applyAsync('control.work', [1], { delayMs: 60_000 });
    const scheduled = await control.inspect('scheduled');
    expect(scheduled.map((r) => [r.worker, (r.value ?? []).map((task) => task.id)])).toEqual([['w1', [later.id]], ['w2', [later.id]]]);

    await Promise.all(Array.from({ length: 3 }, (_, i) => executor!.applyAsync('control.work', [i], { queue: 'idle' })));
    await Promise.all(Array.from({ length: 2 }, (_, i) => executor!.applyAsync('control.work', [i], { queue: 'idle', delayMs: 60_000 })));
    await expect(control.purge('idle')).resolves.toBe(5);
    await withCluster(async (cluster) => {
      const queue = new Queue('idle', { connection: cluster, prefix: queuePrefix(options, 'idle') });
      await expect(queue.getJobCountByTypes('wait', 'delayed', 'prioritized')).resolves.toBe(0);
      await queue.close();
    });
    await expect(control.purge('idle')).resolves.toBe(0);
  });
});

describe('publishing on a Redis Cluster', () => {
  it('counts the subscribers of every node, where PUBLISH counts those of one node', async () => {
    const channel = `${uniquePrefix('channel')}::bus`;
    // One subscriber on each node: what the control bus relies on to know when every process answered.
    const subscribers = CLUSTER_NODES.map(({ host, port }) => new Redis({ host, port }));
    try {
      await Promise.all(subscribers.map((subscriber) => subscriber.subscribe(channel)));
      await withCluster(async (cluster) => {
        await cluster.ping();
        expect(await cluster.publish(channel, 'raw')).toBe(1);
        expect(await publishToAll(cluster, channel, 'counted')).toBe(CLUSTER_NODES.length);
      });
    } finally {
      subscribers.forEach((subscriber) => subscriber.disconnect());
    }
  });
});
