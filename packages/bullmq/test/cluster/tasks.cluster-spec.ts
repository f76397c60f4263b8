import {
  RedisConnectionError,
  TaskContext,
  TaskFailedError,
  TaskRegistry,
  TaskRevokedError,
  TaskState,
  workerShutdown,
  workerShuttingDown,
} from '@tasks/core';
import { Cluster } from 'ioredis';
import { BullmqExecutor, rateLimitIntervalMs, TaskWorker } from '../../src';
import { deferred } from '../support/harness';
import { uniquePrefix } from '../support/redis';
import { CLUSTER_NODES, clusterConnection, clusterKeys, deleteClusterKeys, startClusterHarness, withCluster, type ClusterHarness } from './support/cluster';

class Flaky extends Error {
  override name = 'Flaky';
}

describe('on a Redis Cluster', () => {
  let harness: ClusterHarness;
  const attempts = new Map<string, number>();
  const starts: number[] = [];
  const releaseWaiter = deferred();
  let started = deferred<string>();

  beforeAll(async () => {
    const registry = new TaskRegistry();
    registry.register((a: number, b: number) => a + b, { name: 'cluster.add' });
    registry.register((a: number, b: number) => a * b, { name: 'cluster.multiply', queue: 'math' });
    registry.register(
      () => {
        const id = TaskContext.current().id;
        const count = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, count);
        if (count < 3) throw new Flaky(`attempt ${count}`);
        return count;
      },
      { name: 'cluster.flaky', maxRetries: 3, autoretryFor: [Flaky], retryBackoff: { type: 'fixed', delayMs: 10 } },
    );
    registry.register(
      () => {
        throw new Flaky('never works');
      },
      { name: 'cluster.broken' },
    );
    registry.register(
      async () => {
        const context = TaskContext.current();
        started.resolve(context.id);
        await new Promise((_, reject) => context.abortSignal.addEventListener('abort', () => reject(context.abortSignal.reason)));
      },
      { name: 'cluster.abortable' },
    );
    registry.register(async () => (started.resolve(TaskContext.current().id), await releaseWaiter.promise, 'released'), { name: 'cluster.blocker', queue: 'single' });
    registry.register(() => starts.push(Date.now()), { name: 'cluster.limited', rateLimit: '5/s' });
    registry.register((values: number[]) => values.reduce((sum, value) => sum + value, 0), { name: 'cluster.total' });
    harness = await startClusterHarness(registry, { queues: ['default', 'math'] });
  });
  beforeEach(() => {
    started = deferred<string>();
  });
  afterAll(async () => {
    releaseWaiter.resolve();
    await harness.close();
    expect([...(await clusterKeys(harness.prefix)).values()].flat()).toEqual([]);
  });

  it('wraps the prefix in a hash tag, so every key of every queue is in one slot', async () => {
    await Promise.all([harness.executor.delay('cluster.add', 1, 1), harness.executor.delay('cluster.multiply', 2, 2)]).then((results) =>
      Promise.all(results.map((result) => result.get({ timeoutMs: 10_000 }))),
    );
    const byNode = await clusterKeys(harness.prefix);
    const keys = [...byNode.values()].flat();
    expect(keys.some((key) => key.startsWith(`{${harness.prefix}}:default:`))).toBe(true);
    expect(keys.some((key) => key.startsWith(`{${harness.prefix}}:math:`))).toBe(true);
    expect([...byNode.values()].filter((onNode) => onNode.length > 0)).toHaveLength(1);
    const slots = await withCluster((cluster) => Promise.all(keys.map((key) => cluster.cluster('KEYSLOT', key))));
    expect(new Set(slots).size).toBe(1);
  });

  it('publishes, works and returns results, on several queues', async () => {
    const sum = await harness.executor.delay('cluster.add', 2, 3);
    const product = await harness.executor.delay('cluster.multiply', 6, 7);
    await expect(sum.get({ timeoutMs: 10_000 })).resolves.toBe(5);
    await expect(product.get({ timeoutMs: 10_000 })).resolves.toBe(42);
    expect(await harness.executor.result(product.id).state()).toBe(TaskState.SUCCESS);
  });

  it('retries a failing task until it succeeds, and reports a final failure', async () => {
    const flaky = await harness.executor.delay('cluster.flaky');
    await expect(flaky.get({ timeoutMs: 10_000 })).resolves.toBe(3);
    expect(attempts.get(flaky.id)).toBe(3);

    const broken = await harness.executor.delay('cluster.broken');
    const error = await broken.get({ timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({ name: 'Flaky', message: 'never works' });
    expect(await broken.state()).toBe(TaskState.FAILURE);
  });

  it('revokes a waiting task, which ends REVOKED without running', async () => {
    // No worker here takes 'parked': what is published there waits.
    const waiting = await harness.executor.applyAsync('cluster.blocker', [], { queue: 'parked' });
    expect(await harness.executor.revoke(waiting.id)).toMatchObject({ revoked: true, previousState: TaskState.PENDING });
    expect(await waiting.state()).toBe(TaskState.REVOKED);
    await expect(waiting.get({ timeoutMs: 10_000 })).rejects.toBeInstanceOf(TaskRevokedError);
  });

  it('terminates a running task through the control channel', async () => {
    const running = await harness.executor.delay('cluster.abortable');
    expect(await started.promise).toBe(running.id);
    expect(await harness.executor.revoke(running.id, { terminate: true })).toMatchObject({ revoked: true, previousState: TaskState.STARTED });
    await expect(running.get({ timeoutMs: 10_000 })).rejects.toBeInstanceOf(TaskRevokedError);
    expect(await running.state()).toBe(TaskState.REVOKED);
  });

  it('spaces a rate-limited task across its interval', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => harness.executor.delay('cluster.limited')));
    await Promise.all(results.map((result) => result.get({ timeoutMs: 10_000 })));
    const gaps = starts.slice(1).map((at, i) => at - starts[i]!);
    // Starts are spaced on Redis' clock; the body runs a little after the fetch.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(rateLimitIntervalMs('5/s') - 40);
  });

  it('runs a chain and a chord across queues (one slot for every queue)', async () => {
    const sig = (name: string, ...args: unknown[]) => harness.executor.canvas.signature(name, args);
    const last = await harness.executor.canvas.chain(sig('cluster.add', 2, 3), sig('cluster.multiply', 4)).delay();
    await expect(last.get({ timeoutMs: 10_000 })).resolves.toBe(20);
    const sums = await harness.executor.canvas.chord([sig('cluster.multiply', 2, 3), sig('cluster.multiply', 4, 5)], sig('cluster.total')).delay();
    await expect(sums.get({ timeoutMs: 10_000 })).resolves.toBe(26);
  });

  it('runs a schedule tick', async () => {
    const done = deferred<string>();
    const registry = new TaskRegistry();
    registry.register(() => (done.resolve(String(TaskContext.current().headers.scheduleId)), 'ticked'), { name: 'cluster.tick', queue: 'ticks' });
    const prefix = uniquePrefix('cluster');
    const executor = await BullmqExecutor.connect({ connection: clusterConnection(), prefix, registry });
    const worker = new TaskWorker({ connection: clusterConnection(), prefix, registry });
    try {
      await worker.start();
      await executor.schedules.upsert('hourly', { task: 'cluster.tick', every: '1h' });
      expect(await done.promise).toBe('hourly');
      expect(await executor.schedules.get('hourly')).toMatchObject({ id: 'hourly', task: 'cluster.tick' });
    } finally {
      await worker.close();
      await executor.close();
      await deleteClusterKeys(prefix);
    }
  });
});

describe('a worker on a Redis Cluster', () => {
  let prefix: string;
  const closers: (() => Promise<unknown>)[] = [];

  beforeEach(() => {
    prefix = uniquePrefix('cluster');
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await deleteClusterKeys(prefix);
  });

  it('drains on close(): the running task finishes, and the next one waits for another worker', async () => {
    const started = deferred();
    const release = deferred();
    const registry = new TaskRegistry();
    registry.register(async () => (started.resolve(), await release.promise, 'done'), { name: 'cluster.step' });
    registry.register(() => 'quick', { name: 'cluster.quick' });
    const executor = await BullmqExecutor.connect({ connection: clusterConnection(), prefix, registry });
    closers.push(() => executor.close());
    const worker = new TaskWorker({ connection: clusterConnection(), prefix, registry, name: 'C1', concurrency: 2 });
    closers.push(() => worker.close());
    await worker.start();
    const shuttingDown = deferred();
    const shutdown = deferred();
    const offs = [workerShuttingDown.connect(() => shuttingDown.resolve(), { sender: 'C1' }), workerShutdown.connect(() => shutdown.resolve(), { sender: 'C1' })];
    closers.push(async () => offs.forEach((off) => off()));

    const running = await executor.delay('cluster.step');
    await started.promise;
    const closing = worker.close();
    await shuttingDown.promise;
    const late = await executor.delay('cluster.quick');
    release.resolve();
    await closing;
    await shutdown.promise;
    expect(await running.get({ timeoutMs: 10_000 })).toBe('done');
    expect(await late.state()).toBe(TaskState.PENDING);

    const next = new TaskWorker({ connection: clusterConnection(), prefix, registry, name: 'C2' });
    closers.push(() => next.close());
    await next.start();
    expect(await late.get({ timeoutMs: 10_000 })).toBe('quick');
  });

  it('accepts an ioredis Cluster, duplicating it and leaving it open', async () => {
    const registry = new TaskRegistry();
    registry.register((name: string) => `hello ${name}`, { name: 'cluster.hello' });
    const mine = new Cluster(CLUSTER_NODES);
    closers.push(async () => mine.disconnect());
    const executor = await BullmqExecutor.connect({ connection: mine, prefix, registry });
    const worker = new TaskWorker({ connection: mine, prefix, registry });
    await worker.start();
    await expect((await executor.delay('cluster.hello', 'there')).get({ timeoutMs: 10_000 })).resolves.toBe('hello there');
    await worker.close();
    await executor.close();
    expect(await mine.ping()).toBe('PONG');
    expect(mine.status).toBe('ready');
  });

  it('fails with RedisConnectionError naming the nodes when no node answers', async () => {
    const connection = { cluster: [{ host: '127.0.0.1', port: 1 }] };
    const error = await BullmqExecutor.connect({ connection, prefix, connectTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect((error as Error).message).toContain('cluster 127.0.0.1:1');
    const worker = new TaskWorker({ connection, prefix, registry: new TaskRegistry(), connectTimeoutMs: 300 });
    await expect(worker.start()).rejects.toBeInstanceOf(RedisConnectionError);
  });

  it('fails at once with the server\'s reason, not after connectTimeoutMs, when the nodes refuse the credentials', async () => {
    const connection = { cluster: CLUSTER_NODES, redisOptions: { username: 'nobody', password: 'not-the-password' } };
    // Long enough that failing after it would fail the test's own timeout instead.
    const error = await BullmqExecutor.connect({ connection, prefix, connectTimeoutMs: 120_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect((error as RedisConnectionError).reason).toMatch(/^WRONGPASS invalid username-password pair/);
    expect((error as Error).message).not.toContain('not-the-password');
  });
});
