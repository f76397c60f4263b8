import { BullmqExecutor, TaskWorker } from '@tasks/bullmq';
import { FlowProducer, Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { BenchConfig } from '../config';
import { NOOP_TASK, noopRegistry, QUEUE, taskLikeJob, WORKER_SETTINGS } from '../fixtures';
import { rawConnection, REDIS_URL, withPrefix } from '../redis';
import { alternate, metric, scenarioResult, type Measurement, type ScenarioResult } from '../scenario';
import { median } from '../stats';

const GROUP_SIZE = 1_000;
const CHAIN_LENGTH = 10;
const CHORD_SIZE = 1_000;
const CONCURRENCY = 50;
const RESULT_TIMEOUT_MS = 60_000;

/** One side: a publisher and a worker on one prefix, and the three canvases timed on it. */
interface CanvasSide {
  /** Milliseconds to publish a group of `GROUP_SIZE` no-op tasks (no worker needed: only the writes). */
  publishGroup(): Promise<number>;
  /** Milliseconds from publishing a chain of `CHAIN_LENGTH` no-op steps to holding its last result. */
  chain(): Promise<number>;
  /** Milliseconds from publishing a chord of `CHORD_SIZE` no-op members to holding its callback's result. */
  chord(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The canvas against the same shapes built by hand on raw BullMQ: a group against one
 * `addBulk`, a chain against a worker that adds the next job itself, a chord against a
 * `FlowProducer` flow whose parent reads `getChildrenValues()`. Both sides run their
 * worker in this process, at the same concurrency.
 */
export async function canvasScenarios(config: BenchConfig): Promise<ScenarioResult[]> {
  return withPrefix('canvas', async (prefix) => {
    const raw = await rawSide(prefix);
    const ours = await tasksSide(prefix);
    try {
      const measure = async (side: CanvasSide): Promise<Measurement> => {
        const chains: number[] = [];
        for (let i = 0; i < config.canvasChains; i++) chains.push(await side.chain());
        const groups: number[] = [];
        for (let i = 0; i < config.canvasGroups; i++) groups.push(await side.publishGroup());
        const chords: number[] = [];
        for (let i = 0; i < config.canvasChords; i++) chords.push(await side.chord());
        return { group: GROUP_SIZE / (median(groups) / 1000), chain: median(chains), chord: median(chords) };
      };
      // One untimed pass of each side first: the first round would otherwise time cold code on both.
      await measure(raw);
      await measure(ours);
      const samples = await alternate(config.canvasRounds, () => measure(raw), () => measure(ours));
      const group = metric(samples, 'group');
      const chain = metric(samples, 'chain');
      const chord = metric(samples, 'chord');
      return [
        scenarioResult(
          { name: 'group-1000', unit: 'jobs/s', higherIsBetter: true, baselineName: 'raw Queue.addBulk', target: { text: 'ratio ≥ 0.9', test: (r) => r.ratio >= 0.9 } },
          group.baseline,
          group.ours,
        ),
        scenarioResult(
          {
            name: 'chain-10-latency',
            unit: 'ms',
            higherIsBetter: false,
            baselineName: 'raw worker adding the next job',
            target: { text: 'ratio ≤ 1.2', test: (r) => r.ratio <= 1.2 },
          },
          chain.baseline,
          chain.ours,
        ),
        scenarioResult(
          { name: 'chord-1000', unit: 'ms', higherIsBetter: false, baselineName: 'raw FlowProducer flow', target: { text: 'ratio ≤ 1.2', test: (r) => r.ratio <= 1.2 } },
          chord.baseline,
          chord.ours,
        ),
      ];
    } finally {
      await ours.close();
      await raw.close();
    }
  });
}

async function tasksSide(prefix: string): Promise<CanvasSide> {
  const registry = noopRegistry();
  const worker = new TaskWorker({ connection: REDIS_URL, prefix, registry, concurrency: CONCURRENCY, queues: [QUEUE] });
  await worker.start();
  const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry });
  const { canvas } = executor;
  const noop = () => canvas.signature(NOOP_TASK);
  const timed = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  // Published to a queue no worker takes: only the writes are timed.
  const idle = () => canvas.signature(NOOP_TASK, [], { queue: `${QUEUE}-idle` });
  return {
    publishGroup: () => timed(() => canvas.group(Array.from({ length: GROUP_SIZE }, idle)).delay()),
    chain: () => timed(async () => (await canvas.chain(noop(), ...Array.from({ length: CHAIN_LENGTH - 1 }, noop)).delay()).get({ timeoutMs: RESULT_TIMEOUT_MS })),
    chord: () => timed(async () => (await canvas.chord(Array.from({ length: CHORD_SIZE }, noop), noop()).delay()).get({ timeoutMs: RESULT_TIMEOUT_MS })),
    async close() {
      await executor.close();
      await worker.close();
    },
  };
}

async function rawSide(prefix: string): Promise<CanvasSide> {
  const queueName = `${QUEUE}-raw`;
  const queue = new Queue(queueName, { connection: rawConnection(), prefix });
  const idle = new Queue(`${queueName}-idle`, { connection: rawConnection(), prefix });
  const flows = new FlowProducer({ connection: rawConnection(), prefix });
  const events = new QueueEvents(queueName, { connection: rawConnection(), prefix });
  const waiting = new Map<string, () => void>();
  events.on('completed', ({ jobId }: { jobId: string }) => waiting.get(jobId)?.());
  const finished = (jobId: string) => new Promise<void>((resolve) => waiting.set(jobId, resolve));
  // What a hand-made chain and chord do: the worker adds the next step itself, a parent reads its children.
  const worker = new Worker(
    queueName,
    async (job: Job<{ step?: number; chain?: string; join?: boolean }>) => {
      if (job.data.join) await job.getChildrenValues();
      const { step, chain } = job.data;
      if (step !== undefined && step < CHAIN_LENGTH - 1) {
        const next = taskLikeJob();
        await queue.add(next.name, { ...next.data, args: [null], step: step + 1, chain }, { ...next.opts, jobId: `${chain}-${step + 1}` });
      }
      return null;
    },
    { connection: rawConnection(), prefix, concurrency: CONCURRENCY, ...WORKER_SETTINGS },
  );
  await Promise.all([queue.waitUntilReady(), idle.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);
  const timed = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  return {
    publishGroup: () =>
      timed(() => {
        // The headers every member of a group carries (Celery's root and group ids), so both sides write the same jobs.
        const [rootId, groupId] = [randomUUID(), randomUUID()];
        return idle.addBulk(
          Array.from({ length: GROUP_SIZE }, () => {
            const job = taskLikeJob();
            return { ...job, data: { ...job.data, headers: { rootId, groupId } } };
          }),
        );
      }),
    chain: () =>
      timed(async () => {
        const first = taskLikeJob();
        const chain = first.opts.jobId!;
        const done = finished(`${chain}-${CHAIN_LENGTH - 1}`);
        await queue.add(first.name, { ...first.data, step: 0, chain }, { ...first.opts, jobId: `${chain}-0` });
        await done;
      }),
    chord: () =>
      timed(async () => {
        const parent = taskLikeJob();
        const done = finished(parent.opts.jobId!);
        // The headers a chord's tasks carry (root id; group id on the members), as for the group above.
        const [rootId, groupId] = [randomUUID(), randomUUID()];
        const children = Array.from({ length: CHORD_SIZE }, () => {
          const child = taskLikeJob();
          return { name: child.name, queueName, data: { ...child.data, headers: { rootId, groupId } }, opts: { ...child.opts, failParentOnFailure: true } };
        });
        await flows.add({ name: parent.name, queueName, data: { ...parent.data, headers: { rootId }, join: true }, opts: parent.opts, children });
        await done;
      }),
    async close() {
      await worker.close();
      await events.close();
      await flows.close();
      await idle.close();
      await queue.close();
    },
  };
}
