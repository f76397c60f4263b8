import { setTasksLogger, type TasksLogger } from '@tasks/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BullmqExecutor, TasksControl } from '../../src';
import { tasksKeys } from '../../src/keys';
import { ClusterProcesses } from '../cluster/support/cluster-processes';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../support/redis';

describe('TasksControl: ping, inspect, setConcurrency, shutdown, purge, queues', () => {
  const children = new ClusterProcesses();
  let prefix: string;
  let control: TasksControl;
  let executor: BullmqExecutor;

  beforeEach(async () => {
    prefix = uniquePrefix('remote');
    control = new TasksControl({ connection: REDIS_URL, prefix, timeoutMs: 5000 });
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
  });
  afterEach(async () => {
    await control.close();
    await executor.close();
    await children.killAll();
    await deleteKeys(prefix);
  });

  it('ping and inspect active see two workers and the tasks each runs', async () => {
    const [w1, w2] = await Promise.all([children.spawn({ prefix, name: 'w1', concurrency: 2 }), children.spawn({ prefix, name: 'w2', concurrency: 2 })]);
    const pings = await control.ping();
    expect(pings.map((p) => [p.worker, p.value, p.pid])).toEqual([['w1', 'pong', w1.pid], ['w2', 'pong', w2.pid]]);
    expect(pings.every((p) => p.latencyMs >= 0 && typeof p.hostname === 'string')).toBe(true);

    const ids = await Promise.all(Array.from({ length: 4 }, () => executor.delay('control.hang').then((r) => r.id)));
    const started = async (id: string) => Promise.race([w1.waitFor('started', (m) => m.taskId === id), w2.waitFor('started', (m) => m.taskId === id)]);
    await Promise.all(ids.map(started));

    const active = await control.inspect('active');
    expect(active.map((r) => r.worker)).toEqual(['w1', 'w2']);
    const running = active.flatMap((r) => (r.value ?? []).map((task) => ({ worker: r.worker, id: task.id, name: task.name })));
    expect(running.map((t) => t.id).sort()).toEqual([...ids].sort());
    for (const task of running) {
      const child = task.worker === 'w1' ? w1 : w2;
      expect(child.messages.some((m) => m.kind === 'started' && m.taskId === task.id)).toBe(true);
      expect(task.name).toBe('control.hang');
    }
    const stats = await control.inspect('stats', { worker: 'w1' });
    expect(stats).toHaveLength(1);
    expect(stats[0]!.value).toMatchObject({ concurrency: 2, active: 2, node: process.version, queues: ['default'] });
    expect(stats[0]!.value!.uptimeMs).toBeGreaterThanOrEqual(0);
    const registered = await control.inspect('registered');
    expect(registered[0]!.value).toEqual(expect.arrayContaining(['control.work', 'control.hang', 'cluster.add']));
    const workers = await control.workers();
    expect(workers.map((w) => w.name)).toEqual(['w1', 'w2']);
  });

  it('setConcurrency takes effect on the named worker', async () => {
    const w1 = await children.spawn({ prefix, name: 'w1', concurrency: 1 });
    const ids = await Promise.all(Array.from({ length: 3 }, () => executor.delay('control.hang').then((r) => r.id)));
    await w1.waitFor('started');
    expect((await control.inspect('active'))[0]!.value).toHaveLength(1);

    const replies = await control.setConcurrency('w1', 3);
    expect(replies).toEqual([expect.objectContaining({ worker: 'w1', value: { concurrency: 3 } })]);
    await Promise.all(ids.map((id) => w1.waitFor('started', (m) => m.taskId === id)));
    const stats = await control.inspect('stats');
    expect(stats[0]!.value).toMatchObject({ concurrency: 3, active: 3 });
  });

  it('shutdown drains one worker warm and leaves the other running', async () => {
    const [w1, w2] = await Promise.all([children.spawn({ prefix, name: 'w1', concurrency: 1 }), children.spawn({ prefix, name: 'w2', concurrency: 1 })]);
    await control.shutdown({ worker: 'w2' }).then((replies) => expect(replies.map((r) => [r.worker, r.value])).toEqual([['w2', 'shutting down']]));
    await w2.waitFor('worker', (m) => m.signal === 'worker_shutdown');
    expect(w2.messages.find((m) => m.kind === 'worker')).toMatchObject({ how: 'warm' });
    // Only w1 is left to answer and to run tasks.
    expect((await control.ping()).map((p) => p.worker)).toEqual(['w1']);
    const result = await executor.delay('control.work', 200);
    await expect(result.get({ timeoutMs: 20_000 })).resolves.toEqual({ worker: 'w1' });

    // A task running when the shutdown arrives is finished first.
    const running = await executor.delay('control.work', 300);
    await w1.waitFor('started', (m) => m.taskId === running.id);
    await control.shutdown({ worker: 'w1' });
    await w1.waitFor('worker', (m) => m.signal === 'worker_shutdown');
    expect(w1.messages.find((m) => m.kind === 'finished' && m.taskId === running.id)).toMatchObject({ state: 'SUCCESS' });
    expect(w1.messages.find((m) => m.kind === 'worker')).toMatchObject({ how: 'warm' });
  });

  it('purge removes the waiting and delayed tasks of a queue and counts them', async () => {
    await Promise.all(Array.from({ length: 3 }, (_, i) => executor.applyAsync('control.work', [i], { queue: 'idle' })));
    await Promise.all(Array.from({ length: 2 }, (_, i) => executor.applyAsync('control.work', [i], { queue: 'idle', delayMs: 60_000 })));
    await expect(control.purge('idle')).resolves.toBe(5);
    const queue = new Queue('idle', { connection: { url: REDIS_URL }, prefix });
    await expect(queue.getJobCountByTypes('wait', 'delayed', 'prioritized')).resolves.toBe(0);
    await queue.close();
    await expect(control.purge('idle')).resolves.toBe(0);
    await expect(control.purge('bad:name')).rejects.toThrow(/give a queue name without ':'/);
  });

  it('queues lists the queues published to under the prefix, and not those of a prefix that begins like it', async () => {
    await expect(control.queues()).resolves.toEqual([]);
    await executor.applyAsync('control.work', [1], { queue: 'emails' });
    await executor.applyAsync('control.work', [2], { queue: 'reports', delayMs: 60_000 });
    const neighbour = await BullmqExecutor.connect({ connection: REDIS_URL, prefix: `${prefix}:eu` });
    try {
      await neighbour.applyAsync('control.work', [3], { queue: 'billing' });
    } finally {
      await neighbour.close();
    }
    await expect(control.queues()).resolves.toEqual(['emails', 'reports']);
  });

  it('answers with an empty list when no worker runs, within the timeout', async () => {
    await expect(control.ping({ timeoutMs: 300 })).resolves.toEqual([]);
  });

  it('logs and ignores malformed and unknown control messages, and keeps answering', async () => {
    const warnings: string[] = [];
    const logger: TasksLogger = { log: () => undefined, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) };
    const previous = setTasksLogger(logger);
    const w1 = await children.spawn({ prefix, name: 'w1', concurrency: 1 });
    const redis = new Redis(REDIS_URL);
    try {
      for (const message of ['not json', '[]', JSON.stringify({ kind: 'control', id: 'x', replyTo: 'y', command: 'exec', code: 'process.exit()' }),
        JSON.stringify({ kind: 'control', id: 'x', replyTo: 'y', command: 'setConcurrency', concurrency: -1 })]) {
        await redis.publish(tasksKeys.bus(prefix), message);
      }
      expect((await control.ping()).map((p) => p.worker)).toEqual(['w1']);
      await w1.waitForOutput(/Ignored a message on .*::bus: not JSON/);
      await w1.waitForOutput(/Ignored a message on .*::bus: unknown command "exec"/);
      await w1.waitForOutput(/concurrency must be an integer of 1 or more/);
      expect(w1.logs).toMatch(/Ignored a message on .*::bus: not a JSON object/);
      // This process is on the bus too: it ignored them the same way, before the ping's reply came.
      expect(warnings.filter((w) => w.startsWith('Ignored a message on'))).toHaveLength(4);
    } finally {
      setTasksLogger(previous);
      redis.disconnect();
    }
  });
});
