import { ChordError, ClusterShardingError, TaskContext, TaskFailedError, TaskRegistry, TaskRevokedError, TaskState } from '@tasks/core';
import { taskReceived } from '@tasks/core';
import { BullmqExecutor, rateLimitIntervalMs, TaskWorker } from '../../src';
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
  const starts: number[] = [];

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
    // A canvas all on the 'math' queue, and one task elsewhere to span queues with.
    registry.register((a: number, b: number) => a + b, { name: 'math.add', queue: 'math' });
    registry.register((values: number[]) => values.reduce((sum, value) => sum + value, 0), { name: 'math.sum', queue: 'math' });
    registry.register((why: string) => {
      throw new Error(`failed: ${why}`);
    }, { name: 'math.fail', queue: 'math' });
    registry.register((taskId: string, error: { message: string }) => `${taskId} ${error.message}`, { name: 'math.errback', queue: 'math' });
    registry.register(() => starts.push(Date.now()), { name: 'math.limited', queue: 'math', rateLimit: '5/s' });
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

  const WAIT = { timeoutMs: 15_000 };
  const math = (name: string, ...args: unknown[]) => executor.canvas.signature(`math.${name}`, args);

  it('runs a chain, a group and a chord whose tasks are all on one queue', async () => {
    const last = await executor.canvas.chain(math('add', 1, 2), math('add', 10), math('add', 100)).delay();
    await expect(last.get(WAIT)).resolves.toBe(113);

    const group = await executor.canvas.group([math('add', 1, 1), math('add', 2, 2), math('add', 3, 3)]).delay();
    await expect(group.get(WAIT)).resolves.toEqual([2, 4, 6]);

    // A chord is a BullMQ flow: its callback joins the members in the queue's slot.
    const chord = await executor.canvas.chord([math('add', 1, 1), executor.canvas.chain(math('add', 2, 2), math('add', 10))], math('sum')).delay();
    await expect(chord.get(WAIT)).resolves.toBe(16);

    const keys = [...(await clusterKeys(prefix)).values()].flat();
    expect(keys.filter((key) => key.startsWith(`{${prefix}:math}:math:`)).length).toBeGreaterThan(0);
  });

  it('fails what follows a failed step, and a chord with a failed member, with the failing error', async () => {
    const last = await executor.canvas.chain(math('fail', 'step'), math('add', 1)).delay();
    await expect(last.get(WAIT)).rejects.toThrow(TaskFailedError);
    await expect(last.get(WAIT)).rejects.toThrow(/failed: step/);

    const chord = await executor.canvas.chord([math('add', 1, 1), math('fail', 'member')], math('sum')).delay();
    const error = await chord.get(WAIT).then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ChordError);
    expect((error as Error).message).toMatch(/failed: member/);
  });

  it('publishes link and linkError tasks on the same queue', async () => {
    const linked = math('add', 10).set({ taskId: `link-${prefix}` });
    await executor.applyAsync('math.add', [1, 2], { link: linked });
    await expect(executor.result(linked.options.taskId!).get(WAIT)).resolves.toBe(13);

    const errback = math('errback').set({ taskId: `errback-${prefix}` });
    const failed = await executor.applyAsync('math.fail', ['linked'], { linkError: errback });
    await expect(executor.result(errback.options.taskId!).get(WAIT)).resolves.toBe(`${failed.id} failed: linked`);
  });

  it('refuses at delay() a canvas that spans queues, naming them, before anything is written', async () => {
    const other = (n: number) => executor.canvas.signature('sharded.default', [n]);
    const refusals = [
      () => executor.canvas.chain(math('add', 1, 2), other(1)).delay(),
      () => executor.canvas.group([math('add', 1, 2), other(2), executor.canvas.signature('sharded.emails', [3])]).delay(),
      // Only the callback elsewhere.
      () => executor.canvas.chord([math('add', 1, 2), math('add', 3, 4)], executor.canvas.signature('sharded.reports')).delay(),
      // Only a link, or an errback, elsewhere.
      () => executor.applyAsync('math.add', [1, 2], { link: other(4) }),
      () => executor.applyAsync('math.add', [1, 2], { link: math('add', 1).set({ linkError: [other(5)] }) }),
    ];
    const before = [...(await clusterKeys(prefix)).values()].flat().sort();
    const messages: string[] = [];
    for (const refused of refusals) {
      const error = await refused().then(() => undefined, (thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ClusterShardingError);
      messages.push((error as Error).message);
    }
    expect(messages[0]).toMatch(/spans the queues 'default', 'math'.*put all of its tasks on one queue.*or drop shardByQueue/);
    expect(messages[1]).toMatch(/spans the queues 'default', 'emails', 'math'/);
    expect(messages[2]).toMatch(/spans the queues 'math', 'reports'/);
    expect(messages[3]).toMatch(/spans the queues 'default', 'math'/);
    expect(messages[4]).toMatch(/spans the queues 'default', 'math'/);
    // Nothing was written: no job, no step record.
    expect([...(await clusterKeys(prefix)).values()].flat().sort()).toEqual(before);
  });

  it('spaces a rate-limited task, parking the tasks that wait in their own queue', async () => {
    const received: string[] = [];
    const off = taskReceived.connect(({ request }) => void received.push(request.id), { sender: 'math.limited' });
    const results = await Promise.all(Array.from({ length: 3 }, () => executor.delay('math.limited')));
    await Promise.all(results.map((result) => result.get({ timeoutMs: 10_000 })));
    off();
    const gaps = starts.slice(1).map((at, i) => at - starts[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(rateLimitIntervalMs('5/s') - 40);
    // A parked task is marked received in its own job, so task_received fires once per task.
    expect(received.sort()).toEqual(results.map((result) => result.id).sort());
    // and nothing was written under the prefix's tag for the queue's jobs.
    expect([...(await clusterKeys(prefix)).values()].flat().filter((key) => key.startsWith(`{${prefix}}:math:`))).toEqual([]);
  });

  it('refuses a prefix that already holds a hash tag, naming the fix', async () => {
    const tagged = `{${uniquePrefix('sharded')}}`;
    const connect = BullmqExecutor.connect({ connection: clusterConnection(), prefix: tagged, cluster });
    await expect(connect).rejects.toBeInstanceOf(ClusterShardingError);
    await expect(connect).rejects.toThrow(/without braces/);
    expect(() => new TaskWorker({ connection: clusterConnection(), prefix: tagged, cluster, registry: new TaskRegistry() })).toThrow(ClusterShardingError);
  });
});
