import type { BenchConfig } from '../config';
import { Countdown, fillRaw, fillTasks, QUEUE, startRawWorker, startTaskWorker, type RunningWorker } from '../fixtures';
import { waitForCompleted, withPrefix } from '../redis';
import { alternate, metric, scenarioResult, type ScenarioResult } from '../scenario';

export type StartWorker = (prefix: string, concurrency: number, countdown: Countdown) => Promise<RunningWorker>;

/**
 * Processing throughput: a queue filled beforehand with `count` no-op jobs is
 * drained by one worker at `concurrency`, timed from the first task's start to the
 * last one's end. Ours: a `TaskWorker` with receivers on task_prerun, task_success
 * and task_postrun. Baseline: a raw BullMQ `Worker` with the same settings.
 *
 * `process-c<n>-cpu` is this process's CPU time per job over the same drain (the
 * worker is all that runs then): unlike jobs/s it hardly depends on what else the
 * machine, Redis included, is doing, so it shows our overhead even on a busy host.
 */
export async function processingScenarios(config: BenchConfig, concurrency: number, count: number): Promise<ScenarioResult[]> {
  const samples = await alternate(
    config.rounds,
    () => drain('process-raw', fillRaw, startRawWorker, concurrency, count),
    () => drain('process-ours', fillTasks, startTaskWorker, concurrency, count),
  );
  const rate = metric(samples, 'rate');
  const cpu = metric(samples, 'cpu');
  return [
    scenarioResult(
      {
        name: `process-c${concurrency}`,
        unit: 'jobs/s',
        higherIsBetter: true,
        baselineName: 'raw bullmq Worker',
        target: { text: 'ratio ≥ 0.97', test: (r) => r.ratio >= 0.97 },
      },
      rate.baseline,
      rate.ours,
    ),
    scenarioResult(
      {
        name: `process-c${concurrency}-cpu`,
        unit: 'µs CPU/job',
        higherIsBetter: false,
        baselineName: 'raw bullmq Worker',
        target: { text: 'ratio ≤ 1.05', test: (r) => r.ratio <= 1.05 },
      },
      cpu.baseline,
      cpu.ours,
    ),
  ];
}

/** Fills a queue of its own with `count` tasks, then times one worker draining it. */
export async function drain(
  label: string,
  fill: (prefix: string, count: number) => Promise<void>,
  start: StartWorker,
  concurrency: number,
  count: number,
): Promise<{ rate: number; cpu: number }> {
  return withPrefix(label, async (prefix) => {
    await fill(prefix, count);
    const countdown = new Countdown(count);
    const cpuBefore = process.cpuUsage();
    const worker = await start(prefix, concurrency, countdown);
    let cpu: NodeJS.CpuUsage;
    try {
      await countdown.done;
      cpu = process.cpuUsage(cpuBefore);
      // Every job must be recorded as completed in Redis, not only run.
      await waitForCompleted(prefix, QUEUE, count);
    } finally {
      await worker.close();
    }
    return { rate: countdown.rate(), cpu: (cpu.user + cpu.system) / count };
  });
}
