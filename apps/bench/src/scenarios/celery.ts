import { BullmqExecutor } from '@tasks/bullmq';
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { BenchConfig } from '../config';
import { Countdown, fillTasks, NOOP_TASK, noopRegistry, QUEUE, startTaskWorker } from '../fixtures';
import { REDIS_URL, withPrefix } from '../redis';
import { scenarioResult, type ScenarioResult } from '../scenario';
import { fallRate, percentile } from '../stats';

/** Debian's Python, where `apt-get install python3-celery celery python3-redis` puts Celery. */
const PYTHON_ENV = { PATH: '/usr/bin:/bin' };
/** The interpreter to run the Celery side with (`BENCH_CELERY_PYTHON` to use another). */
const PYTHON = process.env.BENCH_CELERY_PYTHON ?? 'python3';
const CELERY_DIR = resolve(__dirname, '../../celery');
/** Celery gets a database of its own on the same Redis (it is emptied before and after). */
const CELERY_DB = Number(process.env.BENCH_CELERY_DB ?? 14);
/** Celery's pools as a user would pick them on 2 cores: processes, threads, and one in-process. */
const POOLS: Array<[string, number]> = [['prefork', 2], ['threads', 50], ['solo', 1]];
const OUR_CONCURRENCY = 50;
const LATENCY_CONCURRENCY = 10;
const POLL_MS = 2;
const WARMUP = 10;

/** What `celery/celery_side.py` prints. */
interface CeleryFigures {
  celery: string;
  processing: Record<string, number>;
  latency: Record<string, { p50: number; p99: number }>;
  delay: number;
}

/** Whether Debian's Python can import Celery and redis-py. */
export function celeryInstalled(): boolean {
  return spawnSync(PYTHON, ['-c', 'import celery, redis'], { env: PYTHON_ENV, stdio: 'ignore' }).status === 0;
}

/**
 * `pnpm bench --against celery`: the same no-op workloads through Celery 5 (three
 * no-op receivers on each side, results stored on each side) and through us, on the
 * same Redis. Processing is read the same way on both sides: the rate at which the
 * pre-filled queue falls from 90% to 10% (LLEN every few milliseconds), so worker
 * start-up is left out. Celery's best pool is the baseline. Call only when
 * {@link celeryInstalled}.
 */
export async function celeryScenarios(config: BenchConfig): Promise<ScenarioResult[]> {
  const tasks = config.mode === 'quick' ? 1_000 : 10_000;
  const calls = config.mode === 'quick' ? 300 : 2_000;
  const samples = config.mode === 'quick' ? 30 : 300;
  const rounds = config.mode === 'quick' ? 1 : 3;
  const celery: CeleryFigures[] = [];
  const ours: Array<{ processing: number; delay: number; p50: number; p99: number }> = [];
  for (let round = 0; round < rounds; round++) {
    celery.push(await runCelery({ tasks, calls, latencySamples: samples, pools: POOLS }));
    ours.push({ processing: await ourProcessing(tasks), delay: await ourSequentialDelay(calls), ...(await ourLatency(samples)) });
  }
  const bestPool = (figures: CeleryFigures) => Object.entries(figures.processing).sort((a, b) => b[1] - a[1])[0]!;
  const fastestLatency = (figures: CeleryFigures) => Object.entries(figures.latency).sort((a, b) => a[1].p50 - b[1].p50)[0]!;
  const version = celery[0]!.celery;
  const pools = (figures: CeleryFigures[]) =>
    Object.keys(figures[0]!.processing)
      .map((pool) => `${pool} ${Math.round(figures.map((f) => f.processing[pool]!).sort((a, b) => a - b)[figures.length >> 1]!)}/s`)
      .join(', ');
  return [
    scenarioResult(
      {
        name: 'celery-process',
        unit: 'tasks/s',
        higherIsBetter: true,
        baselineName: `Celery ${version}, best pool (${pools(celery)})`,
        target: { text: 'ratio ≥ 10', test: (r) => r.ratio >= 10 },
      },
      celery.map((f) => bestPool(f)[1]),
      ours.map((o) => o.processing),
    ),
    scenarioResult(
      { name: 'celery-delay-sequential', unit: 'calls/s', higherIsBetter: true, baselineName: `Celery ${version} task.delay()` },
      celery.map((f) => f.delay),
      ours.map((o) => o.delay),
    ),
    scenarioResult(
      {
        name: 'celery-result-p50',
        unit: 'ms',
        higherIsBetter: false,
        baselineName: `Celery ${version} delay().get(), fastest pool`,
        target: { text: 'ratio ≤ 0.6', test: (r) => r.ratio <= 0.6 },
      },
      celery.map((f) => fastestLatency(f)[1].p50),
      ours.map((o) => o.p50),
    ),
    scenarioResult(
      { name: 'celery-result-p99', unit: 'ms', higherIsBetter: false, baselineName: `Celery ${version} delay().get(), fastest pool` },
      celery.map((f) => fastestLatency(f)[1].p99),
      ours.map((o) => o.p99),
    ),
  ];
}

function runCelery(settings: { tasks: number; calls: number; latencySamples: number; pools: Array<[string, number]> }): Promise<CeleryFigures> {
  const url = new URL(REDIS_URL);
  url.pathname = `/${CELERY_DB}`;
  return new Promise((done, fail) => {
    const child = spawn(PYTHON, ['celery_side.py', JSON.stringify(settings)], {
      cwd: CELERY_DIR,
      env: { ...PYTHON_ENV, BENCH_CELERY_URL: url.toString() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`celery_side.py exited with ${code}:\n${stderr}`));
      done(JSON.parse(stdout) as CeleryFigures);
    });
  });
}

/** Our worker draining `tasks` no-op tasks, read as the fall of the queue from 90% to 10%. */
function ourProcessing(tasks: number): Promise<number> {
  return withPrefix('celery-ours', async (prefix) => {
    await fillTasks(prefix, tasks);
    const redis = new Redis(REDIS_URL);
    const countdown = new Countdown(tasks);
    const worker = await startTaskWorker(prefix, OUR_CONCURRENCY, countdown);
    try {
      const rate = await fallRate(() => redis.llen(`${prefix}:${QUEUE}:wait`), tasks, POLL_MS);
      await countdown.done;
      return rate;
    } finally {
      await worker.close();
      await redis.quit();
    }
  });
}

function ourSequentialDelay(calls: number): Promise<number> {
  return withPrefix('celery-ours', async (prefix) => {
    const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry: noopRegistry() });
    try {
      for (let i = 0; i < WARMUP; i++) await executor.delay(NOOP_TASK);
      const started = performance.now();
      for (let i = 0; i < calls; i++) await executor.delay(NOOP_TASK);
      return (calls / (performance.now() - started)) * 1000;
    } finally {
      await executor.close();
    }
  });
}

function ourLatency(samples: number): Promise<{ p50: number; p99: number }> {
  return withPrefix('celery-ours', async (prefix) => {
    const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry: noopRegistry() });
    const worker = await startTaskWorker(prefix, LATENCY_CONCURRENCY, new Countdown(Number.MAX_SAFE_INTEGER));
    try {
      for (let i = 0; i < WARMUP; i++) await (await executor.delay(NOOP_TASK)).get({ timeoutMs: 10_000 });
      const times: number[] = [];
      for (let i = 0; i < samples; i++) {
        const started = performance.now();
        await (await executor.delay(NOOP_TASK)).get({ timeoutMs: 10_000 });
        times.push(performance.now() - started);
        // As on the Celery side: each task finds the worker idle.
        await new Promise((idle) => setTimeout(idle, POLL_MS));
      }
      return { p50: percentile(times, 50), p99: percentile(times, 99) };
    } finally {
      await worker.close();
      await executor.close();
    }
  });
}

