import { BullmqExecutor, TaskWorker } from '@tasks/bullmq';
import { Queue, QueueEvents, Worker } from 'bullmq';
import type { BenchConfig } from '../config';
import { NOOP_TASK, noopRegistry, QUEUE, taskLikeJob, WORKER_SETTINGS } from '../fixtures';
import { rawConnection, REDIS_URL, withPrefix } from '../redis';
import { disableTaskContext } from '@tasks/core/internal';
import { metric, scenarioResult, type Measurement, type Samples, type ScenarioResult } from '../scenario';
import { percentile } from '../stats';

const WARMUP = 20;
const CONCURRENCY = 10;
const RESULT_TIMEOUT_MS = 10_000;
/** Pause between tasks, so each one finds the worker idle, blocked waiting for work. */
const IDLE_MS = 2;
const PERCENTILES = [50, 95, 99] as const;

/** One side of the scenario: publishes one task, resolves with its result; `started` is when its body ran. */
interface LatencySide {
  publishAndWait(): Promise<void>;
  started(): number;
  close(): Promise<void>;
}

/**
 * Latency with idle workers: tasks are published one at a time to a waiting
 * worker in the same process; publish→start is measured to the body's first
 * line, publish→result to the caller holding the result (`AsyncResult.get()` vs
 * `Job.waitUntilFinished()`). Within a round the two sides take turns task by
 * task (which one goes first alternates), so a stall of the shared machine falls
 * on both alike instead of on one side's round: the p99 of a few hundred samples
 * is a handful of the slowest. Each round gives p50/p95/p99 of `latencySamples`
 * tasks per side; the rows are the medians of those over the rounds.
 */
export async function latencyScenarios(config: BenchConfig): Promise<ScenarioResult[]> {
  return withPrefix('latency', async (prefix) => {
    const raw = await rawSide(prefix);
    const ours = await tasksSide(prefix);
    try {
      for (let i = 0; i < WARMUP; i++) {
        await raw.publishAndWait();
        await ours.publishAndWait();
      }
      const samples: Samples = {};
      for (let round = 0; round < config.rounds; round++) {
        const measured = await interleaved(raw, ours, config.latencySamples);
        for (const [side, measurement] of Object.entries(measured)) {
          for (const [key, value] of Object.entries(measurement)) ((samples[side] ??= {})[key] ??= []).push(value);
        }
      }
      const rows: ScenarioResult[] = [];
      for (const kind of ['start', 'result'] as const) {
        for (const p of PERCENTILES) {
          const { baseline, ours: oursSamples } = metric(samples, `${kind}P${p}`);
          rows.push(
            scenarioResult(
              {
                name: `latency-${kind}-p${p}`,
                unit: 'ms',
                higherIsBetter: false,
                baselineName: kind === 'start' ? 'raw Queue.add → Worker' : 'raw Queue.add → waitUntilFinished',
                target:
                  kind === 'start' && p === 50
                    ? { text: 'ours − baseline ≤ 0.5 ms', test: (r) => r.ours.median - r.baseline.median <= 0.5 }
                    : p === 99
                      ? { text: 'ratio ≤ 1.15', test: (r) => r.ratio <= 1.15 }
                      : undefined,
              },
              baseline,
              oursSamples,
            ),
          );
        }
      }
      return rows;
    } finally {
      await ours.close();
      await raw.close();
    }
  });
}

/** One round: `count` tasks per side, the sides taking turns, with the percentiles of each side's times. */
async function interleaved(baseline: LatencySide, ours: LatencySide, count: number): Promise<{ baseline: Measurement; ours: Measurement }> {
  const times = { baseline: { toStart: [] as number[], toResult: [] as number[] }, ours: { toStart: [] as number[], toResult: [] as number[] } };
  const once = async (name: 'baseline' | 'ours', side: LatencySide) => {
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    // Our worker is idle between tasks: the raw task runs without our promise hooks (Node 20).
    if (name === 'baseline') disableTaskContext();
    const published = performance.now();
    await side.publishAndWait();
    times[name].toResult.push(performance.now() - published);
    times[name].toStart.push(side.started() - published);
  };
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      await once('baseline', baseline);
      await once('ours', ours);
    } else {
      await once('ours', ours);
      await once('baseline', baseline);
    }
  }
  const percentiles = ({ toStart, toResult }: { toStart: number[]; toResult: number[] }): Measurement => {
    const measurement: Measurement = {};
    for (const p of PERCENTILES) {
      measurement[`startP${p}`] = percentile(toStart, p);
      measurement[`resultP${p}`] = percentile(toResult, p);
    }
    return measurement;
  };
  return { baseline: percentiles(times.baseline), ours: percentiles(times.ours) };
}

async function rawSide(prefix: string): Promise<LatencySide> {
  const queueName = `${QUEUE}-raw`;
  let started = 0;
  const queue = new Queue(queueName, { connection: rawConnection(), prefix });
  const events = new QueueEvents(queueName, { connection: rawConnection(), prefix });
  const worker = new Worker(
    queueName,
    async () => {
      started = performance.now();
      return null;
    },
    { connection: rawConnection(), prefix, concurrency: CONCURRENCY, ...WORKER_SETTINGS },
  );
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);
  return {
    async publishAndWait() {
      const { name, data, opts } = taskLikeJob();
      const job = await queue.add(name, data, opts);
      await job.waitUntilFinished(events, RESULT_TIMEOUT_MS);
    },
    started: () => started,
    async close() {
      await worker.close();
      await events.close();
      await queue.close();
    },
  };
}

async function tasksSide(prefix: string): Promise<LatencySide> {
  let started = 0;
  const registry = noopRegistry(() => {
    started = performance.now();
  });
  const worker = new TaskWorker({ connection: REDIS_URL, prefix, registry, concurrency: CONCURRENCY, queues: [QUEUE] });
  await worker.start();
  const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry });
  return {
    async publishAndWait() {
      const result = await executor.delay(NOOP_TASK);
      await result.get({ timeoutMs: RESULT_TIMEOUT_MS });
    },
    started: () => started,
    async close() {
      await executor.close();
      await worker.close();
    },
  };
}
