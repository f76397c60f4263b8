import { BullmqExecutor, TaskWorker } from '@tasks/bullmq';
import { TaskContext } from '@tasks/core';
import { Queue, Worker } from 'bullmq';
import type { BenchConfig } from '../config';
import { NOOP_TASK, noopRegistry, QUEUE, taskLikeJob, WORKER_SETTINGS } from '../fixtures';
import { rawConnection, redisCommandMicros, REDIS_URL, withPrefix } from '../redis';
import { alternate, metric, scenarioResult, type Measurement, type ScenarioResult } from '../scenario';
import { percentile } from '../stats';

const INTERVAL_MS = 1000;
/** Ticks due before this long after the schedules were created are not counted (the first burst, a cold JIT). */
const WARMUP_MS = 2000;
const CONCURRENCY = 10;

/** What one side measured: the lateness in ms of each tick due in the window, and how many ticks ran in all. */
interface Ticks {
  lateness: number[];
  ran: number;
}

/** A side: creates the schedules, runs the ticks, and says how late they started. */
interface LatenessSide {
  run(prefix: string, schedules: number, durationMs: number): Promise<Ticks>;
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Schedule lateness: `scheduleCount` schedules `every: 1 s` on one worker for
 * `scheduleDurationMs`; each tick's lateness is its body's start minus the time it
 * was due (`scheduledFor`, or the time in a raw tick's job id). Raw BullMQ creates
 * the same schedulers with `upsertJobScheduler` and a task-like job template.
 */
export async function scheduleLatenessScenarios(config: BenchConfig): Promise<ScenarioResult[]> {
  const samples = await alternate(
    config.scheduleRounds,
    () => withPrefix('sched-raw', (prefix) => measure(rawSide, prefix, config)),
    () => withPrefix('sched-ours', (prefix) => measure(tasksSide, prefix, config)),
  );
  const lateness = (['50', '99'] as const).map((p) => {
    const { baseline, ours } = metric(samples, `p${p}`);
    return scenarioResult(
      {
        name: `schedule-lateness-p${p}`,
        unit: 'ms',
        higherIsBetter: false,
        baselineName: 'raw upsertJobScheduler → Worker',
        target: p === '99' ? { text: 'ratio ≤ 1.2 and ours < 50 ms', test: (r) => r.ratio <= 1.2 && r.ours.median < 50 } : undefined,
      },
      baseline,
      ours,
    );
  });
  // Why the tail is what it is: each tick costs Redis this much (BullMQ's moveToActive,
  // updateJobScheduler and moveToFinished scripts, and ours), and all the ticks of a
  // second fall due at once, so the last of them waits for the others' share.
  const redisPerTick = metric(samples, 'redisMicrosPerTick');
  const redis = scenarioResult(
    { name: 'schedule-redis-per-tick', unit: 'µs', higherIsBetter: false, baselineName: 'raw upsertJobScheduler → Worker' },
    redisPerTick.baseline,
    redisPerTick.ours,
  );
  return [...lateness, redis];
}

async function measure(side: LatenessSide, prefix: string, config: BenchConfig): Promise<Measurement> {
  const before = await redisCommandMicros();
  const { lateness, ran } = await side.run(prefix, config.scheduleCount, config.scheduleDurationMs);
  const redisMicros = (await redisCommandMicros()) - before;
  if (lateness.length === 0) throw new Error('no tick ran after the warm-up');
  return { p50: percentile(lateness, 50), p99: percentile(lateness, 99), redisMicrosPerTick: redisMicros / ran };
}

/** Counts the ticks that ran, and keeps the lateness of those due inside the measured window. */
function collector(from: number, until: number): { add(due: number): void; ticks: Ticks } {
  const ticks: Ticks = { lateness: [], ran: 0 };
  return {
    ticks,
    add(due) {
      const started = now();
      ticks.ran++;
      if (due >= from && due < until) ticks.lateness.push(Math.max(0, started - due));
    },
  };
}

const rawSide: LatenessSide = {
  async run(prefix, schedules, durationMs) {
    const created = Date.now();
    const collected = collector(created + WARMUP_MS, created + WARMUP_MS + durationMs);
    const queue = new Queue(QUEUE, { connection: rawConnection(), prefix });
    const worker = new Worker(QUEUE, async (job) => collected.add(Number(String(job.id).split(':').pop())), {
      connection: rawConnection(),
      prefix,
      concurrency: CONCURRENCY,
      ...WORKER_SETTINGS,
    });
    await worker.waitUntilReady();
    try {
      const { data, opts } = taskLikeJob();
      const { jobId: _unused, ...template } = opts;
      for (let i = 0; i < schedules; i++) {
        await queue.upsertJobScheduler(`s${i}`, { every: INTERVAL_MS }, { name: NOOP_TASK, data, opts: template });
      }
      await sleep(WARMUP_MS + durationMs + INTERVAL_MS);
      for (let i = 0; i < schedules; i++) await queue.removeJobScheduler(`s${i}`);
      return collected.ticks;
    } finally {
      await worker.close();
      await queue.close();
    }
  },
};

const tasksSide: LatenessSide = {
  async run(prefix, schedules, durationMs) {
    const created = Date.now();
    const collected = collector(created + WARMUP_MS, created + WARMUP_MS + durationMs);
    const registry = noopRegistry(() => collected.add(Date.parse(String(TaskContext.current().headers.scheduledFor))));
    const worker = new TaskWorker({
      connection: REDIS_URL,
      prefix,
      registry,
      concurrency: CONCURRENCY,
      queues: [QUEUE],
      lockDurationMs: WORKER_SETTINGS.lockDuration,
      stalledIntervalMs: WORKER_SETTINGS.stalledInterval,
      maxStalledCount: WORKER_SETTINGS.maxStalledCount,
    });
    await worker.start();
    const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry });
    try {
      for (let i = 0; i < schedules; i++) await executor.schedules.upsert(`s${i}`, { task: NOOP_TASK, every: INTERVAL_MS });
      await sleep(WARMUP_MS + durationMs + INTERVAL_MS);
      for (let i = 0; i < schedules; i++) await executor.schedules.remove(`s${i}`);
      return collected.ticks;
    } finally {
      await executor.close();
      await worker.close();
    }
  },
};
