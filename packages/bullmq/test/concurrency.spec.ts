import { TaskRegistry, taskPostrun, taskPrerun, taskReceived, taskSuccess } from '@tasks/core';
import { startHarness, type Harness } from './support/harness';

const TASKS = 1000;
const CONCURRENCY = 20;

describe(`${TASKS} tasks at concurrency ${CONCURRENCY}`, () => {
  let harness: Harness;
  const runs = new Map<number, number>();
  let active = 0;
  let peak = 0;
  const counts = { task_received: 0, task_prerun: 0, task_success: 0, task_postrun: 0 };
  const offs: (() => boolean)[] = [];

  beforeAll(async () => {
    const registry = new TaskRegistry();
    registry.register(
      async (n: number) => {
        runs.set(n, (runs.get(n) ?? 0) + 1);
        peak = Math.max(peak, ++active);
        // Yield so that tasks overlap, as real I/O-bound tasks do.
        await new Promise<void>((resolve) => setImmediate(resolve));
        active--;
        return n;
      },
      { name: 'load.echo' },
    );
    for (const signal of [taskReceived, taskPrerun, taskSuccess, taskPostrun]) {
      offs.push(signal.connect(() => void counts[signal.name as keyof typeof counts]++, { sender: 'load.echo' }));
    }
    harness = await startHarness(registry, { concurrency: CONCURRENCY });
  });
  afterAll(async () => {
    offs.forEach((off) => off());
    await harness.close();
  });

  it('all complete exactly once, with one of each signal per task', async () => {
    const numbers = Array.from({ length: TASKS }, (_, i) => i);
    const results = await Promise.all(numbers.map((n) => harness.executor.delay('load.echo', n)));
    const values = await Promise.all(results.map((r) => r.get({ timeoutMs: 60_000 })));

    expect(values).toEqual(numbers);
    expect(runs.size).toBe(TASKS);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(counts).toEqual({ task_received: TASKS, task_prerun: TASKS, task_success: TASKS, task_postrun: TASKS });
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(CONCURRENCY);
  });
});
