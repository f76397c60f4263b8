import { BullmqExecutor, TaskWorker, type TaskWorkerOptions } from '@tasks/bullmq';
import { DEFAULT_QUEUE, taskPostrun, taskPrerun, taskSuccess, TaskRegistry } from '@tasks/core';
import { Queue, Worker, type JobsOptions } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { rawConnection, REDIS_URL } from './redis';

/** The task every Redis scenario runs: it does nothing, so only the machinery is timed. */
export const NOOP_TASK = 'bench.noop';
/** Where `NOOP_TASK` goes, on both sides. */
export const QUEUE = DEFAULT_QUEUE;

/** BullMQ settings of the tasks worker (its defaults), given to the raw worker too. */
export const WORKER_SETTINGS = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 1 };
/** Publishes in flight at once while filling a queue. */
const FILL_CHUNK = 2_000;

/** A registry holding the no-op task; `body` runs as its body. */
export function noopRegistry(body: () => void = () => undefined): TaskRegistry {
  const registry = new TaskRegistry();
  registry.register(body, { name: NOOP_TASK });
  return registry;
}

/**
 * A raw BullMQ job carrying what `delay(NOOP_TASK)` writes: the same data layout
 * and size and the same job options, so both sides make Redis do the same work and
 * the difference is the library around it.
 */
export function taskLikeJob(): { name: string; data: Record<string, unknown>; opts: JobsOptions } {
  return {
    name: NOOP_TASK,
    data: { v: 1, args: [], headers: {}, publishedAt: Date.now() },
    opts: {
      jobId: randomUUID(),
      attempts: 2 ** 31 - 1,
      backoff: { type: 'tasks' },
      removeOnComplete: { age: 24 * 60 * 60 },
      removeOnFail: { age: 7 * 24 * 60 * 60 },
    },
  };
}

/**
 * Counts finished tasks and remembers when the first started and the last
 * finished, so throughput is timed from inside the worker on both sides.
 */
export class Countdown {
  private finished = 0;
  private firstStart: number | undefined;
  private lastEnd = 0;
  private resolveDone: () => void = () => undefined;
  /** Settles once `total` tasks finished. */
  readonly done: Promise<void>;

  constructor(readonly total: number) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  start(): void {
    this.firstStart ??= performance.now();
  }

  end(): void {
    this.lastEnd = performance.now();
    if (++this.finished === this.total) this.resolveDone();
  }

  /** Tasks per second between the first start and the last end. */
  rate(): number {
    if (this.firstStart === undefined) throw new Error('no task started');
    return (this.finished / (this.lastEnd - this.firstStart)) * 1000;
  }
}

/** Fills the raw queue with `count` task-like jobs through `Queue.addBulk` (not timed). */
export async function fillRaw(prefix: string, count: number): Promise<void> {
  const queue = new Queue(QUEUE, { connection: rawConnection(), prefix });
  try {
    for (let done = 0; done < count; done += FILL_CHUNK) {
      await queue.addBulk(Array.from({ length: Math.min(FILL_CHUNK, count - done) }, taskLikeJob));
    }
  } finally {
    await queue.close();
  }
}

/** Fills our queue with `count` no-op tasks through `delay()` (not timed). */
export async function fillTasks(prefix: string, count: number): Promise<void> {
  const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry: noopRegistry() });
  try {
    for (let done = 0; done < count; done += FILL_CHUNK) {
      await Promise.all(Array.from({ length: Math.min(FILL_CHUNK, count - done) }, () => executor.delay(NOOP_TASK)));
    }
  } finally {
    await executor.close();
  }
}

/** A running worker of either side. */
export interface RunningWorker {
  close(): Promise<void>;
}

/** A raw BullMQ `Worker` whose processor only marks `countdown`. */
export async function startRawWorker(prefix: string, concurrency: number, countdown: Countdown): Promise<RunningWorker> {
  const worker = new Worker(
    QUEUE,
    async () => {
      countdown.start();
      countdown.end();
    },
    { connection: rawConnection(), prefix, concurrency, ...WORKER_SETTINGS },
  );
  worker.on('error', (error) => console.error(`raw worker: ${error.message}`));
  await worker.waitUntilReady();
  return worker;
}

/**
 * A `TaskWorker` running the no-op task, with no-op receivers on `task_prerun`,
 * `task_success` and `task_postrun` as an app that listens to task signals has;
 * the prerun and postrun ones mark `countdown`.
 */
export async function startTaskWorker(
  prefix: string,
  concurrency: number,
  countdown: Countdown,
  options: Pick<TaskWorkerOptions, 'telemetry' | 'events'> = {},
): Promise<RunningWorker> {
  const offs = [
    taskPrerun.connect(() => countdown.start()),
    taskSuccess.connect(() => undefined),
    taskPostrun.connect(() => countdown.end()),
  ];
  const worker = new TaskWorker({
    connection: REDIS_URL,
    prefix,
    registry: noopRegistry(),
    concurrency,
    queues: [QUEUE],
    lockDurationMs: WORKER_SETTINGS.lockDuration,
    stalledIntervalMs: WORKER_SETTINGS.stalledInterval,
    maxStalledCount: WORKER_SETTINGS.maxStalledCount,
    ...options,
  });
  await worker.start();
  return {
    async close() {
      await worker.close();
      offs.forEach((off) => off());
    },
  };
}
