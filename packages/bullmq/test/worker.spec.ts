import {
  RedisConnectionError,
  TaskFailedError,
  TaskRegistry,
  TaskTimeoutError,
  taskRejected,
  taskUnknown,
  UnknownTaskError,
} from '@tasks/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BullmqExecutor, TaskWorker } from '../src';
import { deferred, startHarness, type Harness } from './support/harness';
import { REDIS_URL } from './support/redis';

class PaymentDeclined extends Error {
  override name = 'PaymentDeclined';
}

describe('the worker', () => {
  let harness: Harness;
  let queue: Queue;
  const redis = new Redis(REDIS_URL);
  const offs: (() => boolean)[] = [];
  const hang = deferred();

  beforeAll(async () => {
    const registry = new TaskRegistry();
    registry.register(
      (amount: number) => {
        throw new PaymentDeclined(`card declined for ${amount}`);
      },
      { name: 'worker.charge' },
    );
    registry.register(() => hang.promise, { name: 'worker.hang' });
    registry.register((a: number, b: number) => a + b, { name: 'worker.add' });
    harness = await startHarness(registry);
    queue = new Queue('default', { connection: new Redis(REDIS_URL), prefix: harness.prefix });
  });
  afterEach(() => offs.splice(0).forEach((off) => off()));
  afterAll(async () => {
    hang.resolve();
    await queue.close();
    await queue.disconnect();
    redis.disconnect();
    await harness.close();
  });

  it('runs a task with its arguments and returns its result', async () => {
    const result = await harness.executor.delay('worker.add', 2, 3);
    await expect(result.get({ timeoutMs: 5000 })).resolves.toBe(5);
    expect(await result.state()).toBe('SUCCESS');
  });

  it('get() rejects with an error carrying the task error name and message', async () => {
    const result = await harness.executor.delay('worker.charge', 42);
    const error = await result.get({ timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({ name: 'PaymentDeclined', message: 'card declined for 42', taskId: result.id, taskName: 'worker.charge' });
    expect(await result.state()).toBe('FAILURE');
  });

  it('get() times out with a clear error while the task goes on', async () => {
    const result = await harness.executor.delay('worker.hang');
    const error = await result.get({ timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect((error as Error).message).toContain(result.id);
    expect(await result.state()).toBe('STARTED');
  });

  it('result(id) finds a task published elsewhere', async () => {
    const published = await harness.executor.delay('worker.add', 20, 22);
    await expect(harness.executor.result(published.id).get({ timeoutMs: 5000 })).resolves.toBe(42);
    expect(await harness.executor.result('no-such-id').state()).toBe('PENDING');
  });

  it('an unknown task name fires task_unknown and the job ends FAILED with UnknownTaskError', async () => {
    const seen = deferred<{ name: string; error: Error }>();
    offs.push(taskUnknown.connect((e) => seen.resolve({ name: e.name, error: e.error }), { sender: 'worker.nope' }));
    const result = await harness.executor.delay('worker.nope', 1);
    await expect(result.get({ timeoutMs: 5000 })).rejects.toMatchObject({ name: 'UnknownTaskError' });
    const event = await seen.promise;
    expect(event.name).toBe('worker.nope');
    expect(event.error).toBeInstanceOf(UnknownTaskError);
    expect(await result.state()).toBe('FAILURE');
    expect(await queue.getJobState(result.id)).toBe('failed');
  });

  it.each([
    ['not an object', 'just a string'],
    ['without args', { v: 1, headers: {}, publishedAt: 1 }],
    ['of another version', { v: 99, args: [], headers: {}, publishedAt: 1 }],
  ])('job data %s, written straight into Redis: task_rejected, and the job ends FAILED', async (_label, data) => {
    const rejected = deferred<{ jobId: string; error: Error }>();
    offs.push(taskRejected.connect((e) => rejected.resolve({ jobId: e.jobId, error: e.error }), { sender: harness.worker.name }));
    const job = await queue.add('worker.add', data);
    const event = await rejected.promise;
    expect(event.jobId).toBe(job.id);
    expect(event.error.name).toBe('InvalidTaskMessageError');
    await expect(harness.executor.result(job.id!).get({ timeoutMs: 5000 })).rejects.toMatchObject({ name: 'InvalidTaskMessageError' });
    expect(await queue.getJobState(job.id!)).toBe('failed');
  });

  it('job data that is not JSON, written straight into Redis: task_rejected, and the job ends FAILED', async () => {
    const rejected = deferred<Error>();
    offs.push(taskRejected.connect((e) => rejected.resolve(e.error), { sender: harness.worker.name }));
    const job = await queue.add('worker.add', { v: 1 }, { delay: 60_000 });
    await redis.hset(`${harness.prefix}:default:${job.id}`, 'data', '{not json');
    await job.promote();
    expect((await rejected.promise).message).toMatch(/not JSON/);
    await expect(harness.executor.result(job.id!).get({ timeoutMs: 5000 })).rejects.toMatchObject({ name: 'InvalidTaskMessageError' });
  });

  it('job options that are not JSON, written straight into Redis: task_rejected once, and the job ends FAILED', async () => {
    const rejected: Error[] = [];
    offs.push(taskRejected.connect((e) => void rejected.push(e.error), { sender: harness.worker.name }));
    const published = await harness.executor.applyAsync('worker.add', [1, 2], { delayMs: 60_000 });
    await redis.hset(`${harness.prefix}:default:${published.id}`, 'opts', '{not json');
    // Due at once (BullMQ's own promote reads the options, which it can not).
    await redis.zadd(`${harness.prefix}:default:delayed`, 0, published.id);
    await queue.promoteJobs();

    await expect(published.get({ timeoutMs: 10_000 })).rejects.toMatchObject({ name: 'InvalidTaskMessageError', message: expect.stringMatching(/options are not JSON/) });
    expect(await published.state()).toBe('FAILURE');
    expect(await queue.getJobState(published.id)).toBe('failed');
    expect(rejected.map((error) => error.name)).toEqual(['InvalidTaskMessageError']);
  });
});

describe('Redis unreachable', () => {
  const deadPort = { connection: 'redis://127.0.0.1:1', connectTimeoutMs: 1000 };

  it('the executor fails within the connect timeout, with a clear error', async () => {
    const started = Date.now();
    const error = await BullmqExecutor.connect(deadPort).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect((error as Error).message).toMatch(/127\.0\.0\.1:1/);
  });

  it('the worker fails to start within the connect timeout, with a clear error', async () => {
    const worker = new TaskWorker({ ...deadPort, registry: new TaskRegistry() });
    const started = Date.now();
    await expect(worker.start()).rejects.toThrow(RedisConnectionError);
    expect(Date.now() - started).toBeLessThan(3000);
    await worker.close();
  });
});
