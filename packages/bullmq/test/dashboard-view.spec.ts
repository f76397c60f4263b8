import { PayloadTooLargeError, taskRejected, TaskRegistry, TaskRevokedError, TaskState } from '@tasks/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BullmqExecutor } from '../src';
import { deferred, startHarness, type Harness } from './support/harness';
import { REDIS_URL } from './support/redis';

/** A queue no worker of this test consumes, so that what is published there keeps waiting. */
const PARKED = 'parked';

// What a dashboard that reads BullMQ (bull-board) sees of our tasks, read the way it reads them.
describe('tasks as BullMQ stores them', () => {
  let harness: Harness;
  let queue: Queue;
  let parked: Queue;
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  let flakyRuns = 0;

  beforeAll(async () => {
    const registry = new TaskRegistry();
    registry.register(() => 'ok', { name: 'view.plain' });
    registry.register(
      () => {
        flakyRuns++;
        throw new Error('always');
      },
      { name: 'view.retried', maxRetries: 2, autoretryFor: [Error], retryBackoff: { type: 'fixed', delayMs: 1 } },
    );
    harness = await startHarness(registry, { bullmq: { metrics: { maxDataPoints: 60 } }, maxPayloadBytes: 1000 });
    queue = new Queue('default', { connection, prefix: harness.prefix });
    parked = new Queue(PARKED, { connection, prefix: harness.prefix });
  });
  afterAll(async () => {
    await queue.close();
    await parked.close();
    connection.disconnect();
    await harness.close();
  });

  it('a job carries its real attempt budget (maxRetries + 1), and retries spend exactly it', async () => {
    const plain = await harness.executor.delay('view.plain');
    const retried = await harness.executor.delay('view.retried');
    expect((await queue.getJob(plain.id))?.opts.attempts).toBe(1);
    expect((await queue.getJob(retried.id))?.opts.attempts).toBe(3);

    await expect(retried.get({ timeoutMs: 10_000 })).rejects.toMatchObject({ message: 'always' });
    const job = await queue.getJob(retried.id);
    expect(job?.attemptsMade).toBe(3);
    expect(flakyRuns).toBe(3);
    expect(await queue.getJobState(retried.id)).toBe('failed');
  });

  it('a publisher that does not know the task leaves the budget to the worker, and retries still run', async () => {
    const bare = await BullmqExecutor.connect({ connection: REDIS_URL, prefix: harness.prefix });
    try {
      flakyRuns = 0;
      const retried = await bare.delay('view.retried');
      await expect(retried.get({ timeoutMs: 10_000 })).rejects.toMatchObject({ message: 'always' });
      expect(flakyRuns).toBe(3);
    } finally {
      await bare.close();
    }
  });

  it('a task revoked while waiting stays in Redis as a failed job whose reason is the revoke, and reads REVOKED', async () => {
    const result = await harness.executor.applyAsync('view.plain', [], { queue: PARKED });
    await result.revoke();

    expect(await parked.getJobState(result.id)).toBe('failed');
    const failed = await parked.getFailed();
    expect(failed.map((job) => job.id)).toContain(result.id);
    const job = failed.find((j) => j.id === result.id)!;
    expect(job.failedReason).toMatch(/was revoked \(revoked\)/);
    expect(job.finishedOn).toEqual(expect.any(Number));
    expect(await result.state()).toBe(TaskState.REVOKED);
    await expect(result.get({ timeoutMs: 1000 })).rejects.toBeInstanceOf(TaskRevokedError);
  });

  it('a delayed task revoked stays failed too', async () => {
    const result = await harness.executor.applyAsync('view.plain', [], { delayMs: 60_000 });
    await result.revoke({ reason: 'not needed' });
    expect(await queue.getJobState(result.id)).toBe('failed');
    expect((await queue.getJob(result.id))?.failedReason).toMatch(/revoked \(not needed\)/);
    expect(await result.state()).toBe(TaskState.REVOKED);
  });

  it("BullMQ's worker metrics pass through: completed jobs are counted", async () => {
    const result = await harness.executor.delay('view.plain');
    await result.get({ timeoutMs: 5000 });
    const metrics = await queue.getMetrics('completed');
    expect(metrics.meta.count).toBeGreaterThanOrEqual(1);
  });

  it('refuses a payload over maxPayloadBytes at publish; a worker rejects an oversized job written by other means', async () => {
    const small = await BullmqExecutor.connect({ connection: REDIS_URL, prefix: harness.prefix, maxPayloadBytes: 100 });
    try {
      await expect(small.delay('view.plain', 'x'.repeat(200))).rejects.toBeInstanceOf(PayloadTooLargeError);
    } finally {
      await small.close();
    }
    const rejected = deferred<Error>();
    const off = taskRejected.connect((event) => rejected.resolve(event.error), { sender: harness.worker.name });
    try {
      // Another tool writes a job the worker (maxPayloadBytes 1000) will not decode.
      const job = await queue.add('view.plain', { v: 1, args: ['y'.repeat(5000)], headers: {}, publishedAt: Date.now() });
      expect(await rejected.promise).toBeInstanceOf(PayloadTooLargeError);
      await expect(harness.executor.result(job.id!).get({ timeoutMs: 5000 })).rejects.toMatchObject({ name: 'PayloadTooLargeError' });
    } finally {
      off();
    }
  });
});

