import { DEFAULT_QUEUE, TaskRegistry, TaskState, type AsyncResult, type CanvasResult } from '@tasks/core';
import { Redis } from 'ioredis';
import { BullmqExecutor } from '../../src';
import { startHarness } from '../support/harness';
import { REDIS_URL } from '../support/redis';

const WAIT = { timeoutMs: 15_000 };

function stepTasks(): { registry: TaskRegistry; runs: string[] } {
  const registry = new TaskRegistry();
  const runs: string[] = [];
  registry.register(
    (x: number) => {
      runs.push('s.inc');
      return x + 1;
    },
    { name: 's.inc' },
  );
  registry.register(
    (x: number) => {
      runs.push('s.fail');
      throw new RangeError(`no step after ${x}`);
    },
    { name: 's.fail' },
  );
  return { registry, runs };
}

/** The steps of a chain's result, first to last. */
function stepsOf(last: CanvasResult): AsyncResult[] {
  const steps: AsyncResult[] = [];
  for (let result: AsyncResult | undefined = last; result; result = (result as Partial<CanvasResult>).parent as AsyncResult | undefined) steps.unshift(result);
  return steps;
}

describe('chain steps on the worker', () => {
  it('takes each next step within the worker concurrency: at 1, a step starts only once the one before it is finished', async () => {
    const tasks = stepTasks();
    const harness = await startHarness(tasks.registry, { concurrency: 1 });
    const redis = new Redis(REDIS_URL);
    try {
      const { canvas } = harness.executor;
      const inc = () => canvas.signature<number>('s.inc');
      const last = await canvas.chain(canvas.signature('s.inc', [0]), inc(), inc(), inc(), inc()).delay();
      await expect(last.get(WAIT)).resolves.toBe(5);
      expect(tasks.runs).toHaveLength(5);
      // BullMQ's own times, in Redis: taken (processedOn) and marked finished (finishedOn).
      const times = await Promise.all(
        stepsOf(last).map(async (step) => (await redis.hmget(`${harness.prefix}:${DEFAULT_QUEUE}:${step.id}`, 'processedOn', 'finishedOn')).map(Number)),
      );
      for (let i = 1; i < times.length; i++) expect(times[i]![0]).toBeGreaterThanOrEqual(times[i - 1]![1]!);
    } finally {
      redis.disconnect();
      await harness.close();
    }
  });

  it('fails every step after a failing one, as any process reads them', async () => {
    const tasks = stepTasks();
    const harness = await startHarness(tasks.registry, { concurrency: 10 });
    try {
      const { canvas } = harness.executor;
      const inc = () => canvas.signature<number>('s.inc');
      const last = await canvas.chain(canvas.signature('s.inc', [0]), inc(), canvas.signature('s.fail'), inc(), inc(), inc()).delay();
      await expect(last.get(WAIT)).rejects.toMatchObject({ name: 'RangeError', message: 'no step after 2' });
      const steps = stepsOf(last);
      expect(steps).toHaveLength(6);
      const other = await BullmqExecutor.connect({ connection: REDIS_URL, prefix: harness.prefix });
      try {
        const states = await Promise.all(steps.map((step) => other.result(step.id).state()));
        expect(states).toEqual([TaskState.SUCCESS, TaskState.SUCCESS, TaskState.FAILURE, TaskState.FAILURE, TaskState.FAILURE, TaskState.FAILURE]);
        for (const step of steps.slice(3)) {
          await expect(other.result(step.id).get(WAIT)).rejects.toMatchObject({ name: 'RangeError', message: 'no step after 2', taskId: steps[2]!.id });
        }
      } finally {
        await other.close();
      }
      expect(tasks.runs).toEqual(['s.inc', 's.inc', 's.fail']);
    } finally {
      await harness.close();
    }
  });
});
