import { TaskContext, TaskRegistry, TaskState, type RateLimit } from '@tasks/core';
import { TaskWorker, rateLimitIntervalMs } from '../../src';
import { startHarness, type Harness } from '../support/harness';
import { REDIS_URL } from '../support/redis';

/**
 * How much sooner than the interval a start may be timed in the body: starts are spaced on
 * Redis' clock, and the worker still has to fetch, signal and trace before the body runs.
 */
const TOLERANCE_MS = 40;

interface Start {
  at: number;
  worker: string;
  retries: number;
}

describe('rate limits', () => {
  const starts = new Map<string, Start[]>();
  let harness: Harness;
  let second: TaskWorker;

  /** The same tasks for both workers, each recording when it started and where. */
  function registry(worker: string): TaskRegistry {
    const tasks = new TaskRegistry();
    const record = (name: string) => () => {
      const context = TaskContext.current();
      const list = starts.get(name) ?? [];
      list.push({ at: Date.now(), worker, retries: context.retries });
      starts.set(name, list);
      return worker;
    };
    tasks.register(record('rate.per_second'), { name: 'rate.per_second', rateLimit: '5/s' });
    tasks.register(record('rate.object'), { name: 'rate.object', rateLimit: { max: 4, durationMs: 1000 } });
    tasks.register(record('rate.free'), { name: 'rate.free' });
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
  });

  const cases: { name: string; rateLimit: RateLimit; count: number }[] = [
    { name: 'rate.per_second', rateLimit: '5/s', count: 6 },
    { name: 'rate.object', rateLimit: { max: 4, durationMs: 1000 }, count: 5 },
  ];

  it.each(cases)('$name ($rateLimit) starts one task per interval across all workers', async ({ name, rateLimit, count }) => {
    const interval = rateLimitIntervalMs(rateLimit);
    const results = await Promise.all(Array.from({ length: count }, () => harness.executor.delay(name)));
    await Promise.all(results.map((result) => result.get({ timeoutMs: 10_000 })));
    expect(await Promise.all(results.map((result) => result.state()))).toEqual(results.map(() => TaskState.SUCCESS));

    const runs = starts.get(name)!;
    const times = runs.map((run) => run.at).sort((a, b) => a - b);
    const gaps = times.slice(1).map((at, i) => at - times[i]!);
    expect(runs).toHaveLength(count);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(interval - TOLERANCE_MS);
    // Evenly spaced, not merely slow: the whole run takes about (count - 1) intervals
    // (a late start pushes the next ones back, so lateness adds up, by less than an interval).
    expect(times[count - 1]! - times[0]!).toBeLessThan(count * interval);
    // Waiting for a slot is not an attempt.
    expect(runs.every((run) => run.retries === 0)).toBe(true);
  });

  it('leaves tasks without a rate limit alone', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => harness.executor.delay('rate.free')));
    await Promise.all(results.map((result) => result.get({ timeoutMs: 5000 })));
    const times = starts.get('rate.free')!.map((run) => run.at);
    // Ten starts at once on ten worker slots, far from ten intervals of a limited task.
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(2 * rateLimitIntervalMs('5/s'));
  });
});
