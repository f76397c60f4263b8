import { BullmqExecutor } from '@tasks/bullmq';
import { Queue } from 'bullmq';
import type { BenchConfig } from '../config';
import { NOOP_TASK, noopRegistry, QUEUE, taskLikeJob } from '../fixtures';
import { rawConnection, REDIS_URL, withPrefix } from '../redis';
import { inRounds, metric, scenarioResult, type ScenarioResult, type ScenarioSpec } from '../scenario';
import { disableTaskContext } from '@tasks/core/internal';

/**
 * Enqueue throughput, in jobs/s, of `enqueueTasks` publishes per side and round.
 * Five ways of publishing are timed each round (order reversed every other round)
 * and compared in four rows:
 * - `enqueue-concurrent`: individual `delay()` calls all issued at once vs as many `Queue.add`;
 * - `enqueue-sequential`: one after another, each awaited, on both sides;
 * - `enqueue-delay-vs-add-loop`: concurrent `delay()` vs the awaited `Queue.add` loop
 *   (the target of docs/PERFORMANCE.md);
 * - `enqueue-delay-vs-addbulk`: our client has no bulk call, so concurrent `delay()`
 *   is compared with `Queue.addBulk`, the fastest thing raw BullMQ offers.
 * Raw jobs carry the same data and options as ours (see `taskLikeJob`).
 */
export async function enqueueScenarios(config: BenchConfig): Promise<ScenarioResult[]> {
  const n = config.enqueueTasks;
  // Publishing never enters the task context: with it off (see `alternate`), no side pays Node 20's promise hooks.
  disableTaskContext();
  const samples = await inRounds(config.rounds, {
    rawConcurrent: () => rawRun(n, (queue) => Promise.all(Array.from({ length: n }, () => addOne(queue)))),
    oursConcurrent: () => tasksRun(n, (executor) => Promise.all(Array.from({ length: n }, () => executor.delay(NOOP_TASK)))),
    rawLoop: () =>
      rawRun(n, async (queue) => {
        for (let i = 0; i < n; i++) await addOne(queue);
      }),
    oursLoop: () =>
      tasksRun(n, async (executor) => {
        for (let i = 0; i < n; i++) await executor.delay(NOOP_TASK);
      }),
    rawBulk: () => rawRun(n, (queue) => queue.addBulk(Array.from({ length: n }, taskLikeJob))),
  });
  const rows: [ScenarioSpec, string, string][] = [
    [spec('enqueue-concurrent', 'raw Queue.add, concurrent', { text: 'ratio ≥ 1.0', test: (r) => r.ratio >= 1.0 }), 'rawConcurrent', 'oursConcurrent'],
    [spec('enqueue-sequential', 'raw Queue.add, awaited loop'), 'rawLoop', 'oursLoop'],
    [
      spec('enqueue-delay-vs-add-loop', 'raw Queue.add, awaited loop', { text: 'ratio ≥ 1.5', test: (r) => r.ratio >= 1.5 }),
      'rawLoop',
      'oursConcurrent',
    ],
    [spec('enqueue-delay-vs-addbulk', 'raw Queue.addBulk'), 'rawBulk', 'oursConcurrent'],
  ];
  return rows.map(([row, baselineSide, oursSide]) => {
    const { baseline, ours } = metric(samples, 'rate', baselineSide, oursSide);
    return scenarioResult(row, baseline, ours);
  });
}

function spec(name: string, baselineName: string, target?: ScenarioSpec['target']): ScenarioSpec {
  return { name, unit: 'jobs/s', higherIsBetter: true, baselineName, target };
}

function addOne(queue: Queue): Promise<unknown> {
  const job = taskLikeJob();
  return queue.add(job.name, job.data, job.opts);
}

/** Times `publish` on a raw queue that is connected and has added once (untimed). */
async function rawRun(count: number, publish: (queue: Queue) => Promise<unknown>): Promise<{ rate: number }> {
  return withPrefix('enqueue-raw', async (prefix) => {
    const queue = new Queue(QUEUE, { connection: rawConnection(), prefix });
    try {
      await addOne(queue);
      return { rate: await timedRate(count, () => publish(queue)) };
    } finally {
      await queue.close();
    }
  });
}

/** Times `publish` on a connected executor that has published once (untimed). */
async function tasksRun(count: number, publish: (executor: BullmqExecutor) => Promise<unknown>): Promise<{ rate: number }> {
  return withPrefix('enqueue-ours', async (prefix) => {
    const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry: noopRegistry() });
    try {
      await executor.delay(NOOP_TASK);
      return { rate: await timedRate(count, () => publish(executor)) };
    } finally {
      await executor.close();
    }
  });
}

async function timedRate(count: number, run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return (count / (performance.now() - started)) * 1000;
}
