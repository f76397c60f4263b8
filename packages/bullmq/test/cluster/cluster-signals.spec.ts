import { setTasksLogger, TaskRegistry, taskSuccess, type RemoteSignalEvent, type RemoteSignalEventOf, type TasksLogger } from '@tasks/core';
import { Redis } from 'ioredis';
import { BullmqExecutor } from '../../src';
import { ClusterNode } from '../../src/cluster/cluster-node';
import { decodeEntry } from '../../src/events/task-event';
import { tasksKeys } from '../../src/keys';
import { orderPaid, type OrderPaid } from '../fixtures/cluster-signals';
import { startHarness } from '../support/harness';
import { Heard } from '../support/heard';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../support/redis';
import { ClusterProcesses } from './support/cluster-processes';

describe('Signals across processes', () => {
  const children = new ClusterProcesses();
  const offs: Array<() => boolean> = [];
  let prefix: string;
  let redis: Redis;
  let executor: BullmqExecutor | undefined;

  beforeEach(() => {
    prefix = uniquePrefix('cluster');
    redis = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    offs.splice(0).forEach((off) => off());
    await executor?.close();
    executor = undefined;
    await children.killAll();
    redis.disconnect();
    await deleteKeys(prefix);
  });

  it('an API process hears task_success and a custom cluster signal from two worker processes', async () => {
    const successes = new Heard<RemoteSignalEvent<'task_success'>>();
    const paid = new Heard<RemoteSignalEventOf<OrderPaid>>();
    offs.push(taskSuccess.connect(successes.receiver as never, { sender: 'cluster.add', scope: 'cluster' }));
    offs.push(orderPaid.connect(paid.receiver as never));
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    const [w1, w2] = await Promise.all([children.spawn({ prefix, name: 'w1', concurrency: 2 }), children.spawn({ prefix, name: 'w2', concurrency: 2 })]);

    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => executor!.delay('cluster.add', i, 1).then((r) => r.id)));
    await Promise.all([w1.ask({ cmd: 'send', count: 3 }, 'sent'), w2.ask({ cmd: 'send', count: 3 }, 'sent')]);
    await successes.until(6);
    await paid.until(6);

    expect(successes.events.map((e) => e.taskId).sort()).toEqual([...ids].sort());
    for (const event of successes.events) {
      expect(event).toMatchObject({ signal: 'task_success', sender: 'cluster.add', result: (event.args[0] as number) + 1 });
      expect(['w1', 'w2']).toContain(event.origin.name);
      expect([w1.pid, w2.pid]).toContain(event.origin.pid);
    }
    expect(paid.events.map((e) => `${e.sender}:${e.n}`).sort()).toEqual(['w1:1', 'w1:2', 'w1:3', 'w2:1', 'w2:2', 'w2:3']);
    expect(paid.events[0]).toMatchObject({ signal: 'order_paid', origin: { hostname: expect.any(String) }, timestamp: expect.any(Number) });
  });

  it('tells a receiver the task a custom signal was sent during, and nothing for one sent outside any task', async () => {
    const paid = new Heard<RemoteSignalEventOf<OrderPaid>>();
    offs.push(orderPaid.connect(paid.receiver, { scope: 'cluster' }));
    const registry = new TaskRegistry();
    registry.register(async (orderId: string) => void (await orderPaid.send('orders.pay', { orderId, n: 1 })), { name: 'orders.pay' });
    const harness = await startHarness(registry);
    try {
      const result = await harness.executor.delay('orders.pay', 'o-1');
      await result.get({ timeoutMs: 10_000 });
      await orderPaid.send('api', { orderId: 'o-2', n: 2 });
      await paid.until(2);
      expect(paid.events.map((e) => [e.orderId, e.sender, e.taskId])).toEqual([
        ['o-1', 'orders.pay', result.id],
        ['o-2', 'api', undefined],
      ]);
    } finally {
      await harness.close();
    }
  });

  it('applies the sender filter at the source: only the wanted sends are written to the stream', async () => {
    const successes = new Heard<RemoteSignalEvent<'task_success'>>();
    offs.push(taskSuccess.connect(successes.receiver as never, { sender: 'cluster.add', scope: 'cluster' }));
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    await children.spawn({ prefix, name: 'w1', concurrency: 4 });

    const others = await Promise.all(Array.from({ length: 5 }, () => executor!.delay('cluster.other')));
    await Promise.all(others.map((r) => r.get({ timeoutMs: 20_000 })));
    const adds = await Promise.all(Array.from({ length: 3 }, (_, i) => executor!.delay('cluster.add', i, 2)));
    await Promise.all(adds.map((r) => r.get({ timeoutMs: 20_000 })));
    await successes.until(3);

    // Only the three task_success of cluster.add were written: no other signal, no other task.
    const written = (await redis.xrange(tasksKeys.events(prefix), '-', '+')).flatMap(([id, fields]) => decodeEntry(id, fields));
    expect(written.map((e) => `${e.signal} ${e.sender}`)).toEqual(Array(3).fill('task_success cluster.add'));
    const node = await ClusterNode.acquire({ connection: REDIS_URL, prefix });
    expect(node.readerStats?.events).toBe(3);
    await node.release();
  });

  it('publishes nothing while nobody listens, and a process that listens to nothing reads nothing', async () => {
    const worker = await children.spawn({ prefix, name: 'w1', concurrency: 4 });
    const quiet = await children.spawn({ prefix, name: 'quiet', concurrency: 0 });
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => executor!.delay('cluster.add', i, 1)));
    await Promise.all(results.map((r) => r.get({ timeoutMs: 20_000 })));
    await worker.ask({ cmd: 'send', count: 5 }, 'sent');

    expect(await redis.exists(tasksKeys.events(prefix))).toBe(0);
    expect(await quiet.ask({ cmd: 'stats' }, 'stats')).toEqual({ kind: 'stats', reader: false, reads: 0, events: 0 });
    // No process of this prefix holds a stream reader connection.
    const clients = (await redis.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string;
    expect(clients.split('\n').filter((line) => line.includes(`name=${prefix}:events`))).toEqual([]);
  });

  it('keeps the order of each sender over 10,000 events, and a receiver that throws affects no one', async () => {
    const paid = new Heard<RemoteSignalEventOf<OrderPaid>>();
    const failures: string[] = [];
    const quiet: TasksLogger = { log: () => undefined, warn: () => undefined, error: (message) => void failures.push(message) };
    const previous = setTasksLogger(quiet);
    offs.push(() => (setTasksLogger(previous), true));
    offs.push(orderPaid.connect(function failing() { throw new Error('receiver bug'); }));
    offs.push(orderPaid.connect(paid.receiver as never));
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, eventsMaxLength: 100_000 });
    const listener = await children.spawn({ prefix, name: 'listener', concurrency: 0, listen: [{ signal: 'order_paid', sender: 'w1' }] });
    const [w1, w2] = await Promise.all([children.spawn({ prefix, name: 'w1', concurrency: 0 }), children.spawn({ prefix, name: 'w2', concurrency: 0 })]);

    const [sent1, sent2] = await Promise.all([w1.ask({ cmd: 'send', count: 5000 }, 'sent'), w2.ask({ cmd: 'send', count: 5000 }, 'sent')]);
    expect([sent1.errors, sent2.errors]).toEqual([0, 0]);
    await paid.until(10_000);
    for (const sender of ['w1', 'w2']) {
      const sequence = paid.events.filter((e) => e.sender === sender).map((e) => e.n);
      expect(sequence).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    }
    // The other listening process, which filters on w1, heard all of w1's, in spite of the receiver that throws here.
    await listener.waitFor('heard', () => listener.messages.filter((m) => m.kind === 'heard').length >= 5000);
    expect(listener.messages.filter((m) => m.kind === 'heard' && m.sender !== 'w1')).toEqual([]);
    // Each failure was logged here, once per event.
    expect(failures).toHaveLength(10_000);
    expect(failures[0]).toBe('Receiver failing of signal order_paid failed: receiver bug');
  }, 120_000);
});
