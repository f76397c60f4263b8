import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BenchConfig } from '../config';
import { fillTasks, startTaskWorker } from '../fixtures';
import { alternate, metric, scenarioResult, type ScenarioResult } from '../scenario';
import { drain } from './processing';

const CONCURRENCY = 50;
const CHILD = join(__dirname, '..', 'dashboard-child.js');
/** How long the dashboard may take, after the drain, to stream the last updates. */
const CATCH_UP_MS = 30_000;

/**
 * `process-c50-dashboard`: `process-c50` while a dashboard (a Nest app with
 * `TasksDashboardModule`, in a process of its own as an API process serves it) has its
 * event stream open and streams its changes to a client reading its server-sent events
 * as the page does (each task's latest state, gathered every 100 ms), against the same
 * worker with no dashboard.
 */
export async function dashboardScenarios(config: BenchConfig): Promise<ScenarioResult[]> {
  // A smoke run checks the row's shape: one round is enough there.
  const rounds = config.mode === 'quick' ? 1 : config.rounds;
  const closed = () => drain('dashboard-closed', fillTasks, startTaskWorker, CONCURRENCY, config.processTasks);
  const open = () =>
    drain('dashboard-open', fillTasks, async (prefix, concurrency, countdown) => {
      // Each task's final state reaches the page.
      const dashboard = await startDashboard(prefix, config.processTasks);
      const worker = await startTaskWorker(prefix, concurrency, countdown);
      return {
        async close() {
          await worker.close();
          await dashboard.stop();
        },
      };
    }, CONCURRENCY, config.processTasks);
  const rate = metric(await alternate(rounds, closed, open), 'rate');
  return [
    scenarioResult(
      {
        name: 'process-c50-dashboard',
        unit: 'jobs/s',
        higherIsBetter: true,
        baselineName: 'ours, no dashboard',
        target: { text: 'ratio ≥ 0.9', test: (r) => r.ratio >= 0.9 },
      },
      rate.baseline,
      rate.ours,
    ),
  ];
}

/**
 * Starts the dashboard process and waits until its stream answers; `stop` waits until it
 * streamed the final states of `tasks` tasks (after the timed drain), or fails if it never does.
 */
async function startDashboard(prefix: string, tasks: number): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, [CHILD, prefix, String(tasks)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done || first.value !== 'ready') throw new Error(`process-c50-dashboard: the dashboard process did not start (${String(first.value)})`);
  return {
    async stop() {
      const exited = once(child, 'exit');
      // Bounded: a dashboard that lost events would never catch up.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<IteratorResult<string>>((resolve) => (timer = setTimeout(() => resolve({ done: true, value: undefined }), CATCH_UP_MS)));
      const caughtUp = await Promise.race([lines.next(), late]);
      clearTimeout(timer);
      child.kill('SIGTERM');
      let report = await lines.next();
      if (report.value === 'caught-up') report = await lines.next();
      await exited;
      if (caughtUp.value !== 'caught-up') throw new Error(`process-c50-dashboard: the dashboard streamed only ${String(report.value)} of ${tasks} tasks' final states.`);
    },
  };
}
