import { beforeTaskPublish, afterTaskPublish, SerializationError, TaskContext, TaskRegistry, taskPrerun, taskSuccess } from '@tasks/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BullmqExecutor } from '../src';
import { deferred, startHarness, type Harness } from './support/harness';
import { REDIS_URL } from './support/redis';

describe('publishing to BullMQ', () => {
  const starts = new Map<string, number>();
  const runs = new Map<string, number>();
  let seenHeaders: unknown;
  let harness: Harness;
  const offs: (() => boolean)[] = [];

  beforeAll(async () => {
    const registry = new TaskRegistry();
    registry.register(
      (label: string) => {
        starts.set(label, Date.now());
        runs.set(label, (runs.get(label) ?? 0) + 1);
        return label;
      },
      { name: 'publish.record' },
    );
    registry.register(() => (seenHeaders = TaskContext.current().headers), { name: 'publish.headers' });
    registry.register((n: number) => n * 2, { name: 'publish.double' });
    harness = await startHarness(registry, { concurrency: 1 });
  });
  afterEach(() => offs.splice(0).forEach((off) => off()));
  afterAll(() => harness.close());

  it('a receiver of task_success for sender "a" does not see task "b"', async () => {
    const seen: string[] = [];
    offs.push(taskSuccess.connect((e) => void seen.push(e.sender), { sender: 'publish.double' }));
    await (await harness.executor.delay('publish.record', 'sender-filter')).get({ timeoutMs: 5000 });
    await (await harness.executor.delay('publish.double', 2)).get({ timeoutMs: 5000 });
    expect(seen).toEqual(['publish.double']);
  });

  it('before_task_publish may change a header, and the task sees it in TaskContext.current().headers', async () => {
    offs.push(
      beforeTaskPublish.connect(
        (event) => {
          event.headers.tenant = 'acme';
          event.options.headers = { ...event.options.headers, traceId: 't-1' };
        },
        { sender: 'publish.headers' },
      ),
    );
    await (await harness.executor.applyAsync('publish.headers', [], { headers: { origin: 'test' } })).get({ timeoutMs: 5000 });
    expect(seenHeaders).toEqual({ origin: 'test', tenant: 'acme', traceId: 't-1' });
  });

  it('before_task_publish may change options: the queue it picks is where the job is written', async () => {
    offs.push(beforeTaskPublish.connect((event) => void (event.options.delayMs = 60_000), { sender: 'publish.double' }));
    const result = await harness.executor.delay('publish.double', 1);
    const queue = new Queue('default', { connection: new Redis(REDIS_URL), prefix: harness.prefix });
    try {
      expect(await queue.getJobState(result.id)).toBe('delayed');
    } finally {
      await result.revoke();
      await queue.close();
      await queue.disconnect();
    }
  });

  it('after_task_publish fires once Redis accepted the job, with the queue', async () => {
    const events: { taskId: string; queue: string }[] = [];
    offs.push(afterTaskPublish.connect((e) => void events.push({ taskId: e.taskId, queue: e.queue }), { sender: 'publish.double' }));
    const result = await harness.executor.delay('publish.double', 3);
    expect(events).toEqual([{ taskId: result.id, queue: 'default' }]);
    await expect(result.get({ timeoutMs: 5000 })).resolves.toBe(6);
  });

  it.each([
    ['delayMs', () => ({ delayMs: 300 })],
    ['eta', () => ({ eta: new Date(Date.now() + 300) })],
  ])('%s: the task does not start early', async (label, makeOptions) => {
    const options: { delayMs?: number; eta?: Date } = makeOptions();
    const publishedAt = Date.now();
    const notBefore = options.eta?.getTime() ?? publishedAt + (options.delayMs ?? 0);
    const result = await harness.executor.applyAsync('publish.record', [label], options);
    expect(await result.state()).toBe('PENDING');
    await result.get({ timeoutMs: 5000 });
    expect(starts.get(label)!).toBeGreaterThanOrEqual(notBefore);
  });

  it('priority: with one busy worker, the highest priority waiting task runs first', async () => {
    const order: string[] = [];
    const blocker = deferred();
    const started = deferred();
    const registry = new TaskRegistry();
    registry.register(async () => (started.resolve(), blocker.promise), { name: 'prio.block' });
    registry.register((label: string) => void order.push(label), { name: 'prio.log' });
    const own = await startHarness(registry, { concurrency: 1 });
    try {
      const block = await own.executor.delay('prio.block');
      await started.promise;
      const results = [];
      for (const [label, priority] of [['low', 10], ['high', 1], ['mid', 5]] as const) {
        results.push(await own.executor.applyAsync('prio.log', [label], { priority }));
      }
      blocker.resolve();
      await block.get({ timeoutMs: 5000 });
      await Promise.all(results.map((r) => r.get({ timeoutMs: 5000 })));
      expect(order).toEqual(['high', 'mid', 'low']);
    } finally {
      await own.close();
    }
  });

  it('taskId: a second publish with the same id does not run twice', async () => {
    const first = await harness.executor.applyAsync('publish.record', ['same-id'], { taskId: 'fixed-id-1' });
    await first.get({ timeoutMs: 5000 });
    const second = await harness.executor.applyAsync('publish.record', ['same-id'], { taskId: 'fixed-id-1' });
    expect(second.id).toBe('fixed-id-1');
    await expect(second.get({ timeoutMs: 5000 })).resolves.toBe('same-id');
    expect(runs.get('same-id')).toBe(1);
  });

  it.each([
    ['a function', [() => 1], 'args[0]', /function/],
    ['a symbol', [{ s: Symbol('x') }], 'args[0].s', /symbol/],
    ['a BigInt', [1, { n: 10n }], 'args[1].n', /BigInt/],
    ['a cycle', [(() => { const o: Record<string, unknown> = {}; o.self = o; return o; })()], 'args[0].self', /cycle/],
    ['a class instance', [{ when: new Date() }], 'args[0].when', /Date instance/],
  ])('refuses %s with the path in the message, and sends nothing', async (_label, args, path, reason) => {
    const prerun: string[] = [];
    offs.push(taskPrerun.connect((e) => void prerun.push(e.taskId)));
    const published: string[] = [];
    offs.push(beforeTaskPublish.connect((e) => void published.push(e.taskId)));
    const attempt = harness.executor.applyAsync('publish.double', args as unknown[]);
    await expect(attempt).rejects.toThrow(SerializationError);
    await expect(attempt).rejects.toMatchObject({ path });
    await expect(attempt).rejects.toThrow(reason);
    await expect(attempt).rejects.toThrow(path);
    expect(published).toEqual([]);
    const queue = new Queue('default', { connection: new Redis(REDIS_URL), prefix: harness.prefix });
    try {
      expect(await queue.getJobCounts('wait', 'delayed', 'active')).toEqual({ wait: 0, delayed: 0, active: 0 });
    } finally {
      await queue.close();
      await queue.disconnect();
    }
  });

  it('a closed executor says so', async () => {
    const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix: harness.prefix });
    await executor.close();
    await expect(executor.delay('publish.double', 1)).rejects.toThrow(/closed/);
  });
});
