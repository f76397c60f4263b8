import { TaskContext, TaskRegistry, taskPrerun, taskReceived, TaskState, type RateLimit } from '@tasks/core';
import { Redis } from 'ioredis';
import { TaskWorker, rateLimitIntervalMs } from '../../src';
import { tasksKeys } from '../../src/keys';
import { deferred, startHarness, type Harness } from '../support/harness';
import { REDIS_URL } from '../support/redis';

interface Start {
  taskId: string;
  /** When the rate limiter admitted it, on Redis' clock (the clock the limit is kept on). */
  admittedAt: number;
  worker: string;
  retries: number;
}

describe('rate limits', () => {
  const starts = new Map<string, Start[]>();
  const freeGate = deferred();
  const freeStarted = new Set<string>();
  const allFreeStarted = deferred();
  const redis = new Redis(REDIS_URL);
  let harness: Harness;
  let second: TaskWorker;

  /**
   * The same tasks for both workers. A limited task records where it started and when it was
   * admitted: the limiter's hash keeps the admission time of the last start (`last`), and no
   * other start of that name is admitted before an interval has passed (a body that began
   * more than an interval after its admission would read its successor's time, and the
   * admission times would not be distinct).
   */
  function registry(worker: string): TaskRegistry {
    const tasks = new TaskRegistry();
    const record = (name: string) => async () => {
      const context = TaskContext.current();
      const admittedAt = Number(await redis.hget(tasksKeys.rateLimit(harness.prefix, name), 'last'));
      const list = starts.get(name) ?? [];
      list.push({ taskId: context.id, admittedAt, worker, retries: context.retries });
      starts.set(name, list);
      return worker;
    };
    tasks.register(record('rate.per_second'), { name: 'rate.per_second', rateLimit: '5/s' });
    tasks.register(record('rate.object'), { name: 'rate.object', rateLimit: { max: 4, durationMs: 1000 } });
    tasks.register(
      async () => {
          freeStarted.add(TaskContext.current().id);
        if (freeStarted.size === 10) allFreeStarted.resolve();
        await freeGate.promise;
        return worker;
      },
      { name: 'rate.free' },
    );
    return tasks;
  }

  // Two workers on one Redis, five slots each: the limit holds across both.
  beforeAll(async () => {
    harness = await startHarness(registry('first'), { concurrency: 5 });
    second = new TaskWorker({ connection: REDIS_URL, prefix: harness.prefix, registry: registry('second'), concurrency: 5 });
    await second.start();
  });
  afterAll(async () => {
    await second.close();
    await harness.close();
    redis.disconnect();
  });

  const cases: { name: string; rateLimit: RateLimit; count: number }[] = [
    { name: 'rate.per_second', rateLimit: '5/s', count: 6 },
    { name: 'rate.object', rateLimit: { max: 4, durationMs: 1000 }, count: 5 },
  ];

  it.each(cases)('$name ($rateLimit) starts one task per interval across all workers', async ({ name, rateLimit, count }) => {
    const interval = rateLimitIntervalMs(rateLimit);
    const events: { signal: string; taskId: string }[] = [];
    const offReceived = taskReceived.connect(({ taskId }) => void events.push({ signal: 'task_received', taskId }), { sender: name });
    const offPrerun = taskPrerun.connect(({ taskId }) => void events.push({ signal: 'task_prerun', taskId }), { sender: name });
    try {
      const results = await Promise.all(Array.from({ length: count }, () => harness.executor.delay(name)));
      await Promise.all(results.map((result) => result.get({ timeoutMs: 10_000 })));
      expect(await Promise.all(results.map((result) => result.state()))).toEqual(results.map(() => TaskState.SUCCESS));

      // task_received once per task, before any wait for its slot: a parked task does not fire it again.
      const ids = results.map((result) => result.id).sort();
      expect(events.filter((e) => e.signal === 'task_received').map((e) => e.taskId).sort()).toEqual(ids);
      expect(events.filter((e) => e.signal === 'task_prerun').map((e) => e.taskId).sort()).toEqual(ids);
      for (const id of ids) {
        expect(events.findIndex((e) => e.signal === 'task_received' && e.taskId === id)).toBeLessThan(events.findIndex((e) => e.signal === 'task_prerun' && e.taskId === id));
      }

      // One start per admission, each admitted at least an interval after the one before, on Redis' clock.
      const runs = starts.get(name)!;
      expect(runs.map((run) => run.taskId).sort()).toEqual(ids);
      const admitted = runs.map((run) => run.admittedAt).sort((a, b) => a - b);
      expect(new Set(admitted).size).toBe(count);
      const gaps = admitted.slice(1).map((at, i) => at - admitted[i]!);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(interval);
      // Evenly spaced, not merely slow: a late start pushes the next ones back, so lateness adds up,
      // by less than two intervals over the whole run.
      expect(admitted[count - 1]! - admitted[0]!).toBeLessThan((count + 1) * interval);
      // Waiting for a slot is not an attempt.
      expect(runs.every((run) => run.retries === 0)).toBe(true);
    } finally {
      offReceived();
      offPrerun();
    }
  });

  it('leaves tasks without a rate limit alone: ten start together on ten slots', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => harness.executor.delay('rate.free')));
    // All ten bodies are running at once before any may end; a limit would hold the second start back.
    await allFreeStarted.promise;
    expect([...freeStarted].sort()).toEqual(results.map((result) => result.id).sort());
    freeGate.resolve();
    await Promise.all(results.map((result) => result.get({ timeoutMs: 5000 })));
  });
});
