// `pnpm bench [--quick] [--only group,…] [--against celery] [--scale]`: runs each scenario's baseline and ours in
// alternating rounds, prints a table on stdout and writes a JSON report whose path
// is the last line printed. Progress goes to stderr.
import { relative, resolve } from 'node:path';
import { parseBenchArgs, type BenchConfig } from './config';
import { describeMachine } from './machine';
import type { BenchReport } from './report/bench-report';
import { formatScale } from './report/format-scale';
import { formatTable } from './report/format-table';
import { writeJsonReport } from './report/write-json';
import type { ScenarioResult } from './scenario';
import { celeryInstalled, celeryScenarios } from './scenarios/celery';
import { canvasScenarios } from './scenarios/canvas';
import { clusterScenarios } from './scenarios/cluster';
import { dashboardScenarios } from './scenarios/dashboard';
import { eagerScenario } from './scenarios/eager';
import { enqueueScenarios } from './scenarios/enqueue';
import { latencyScenarios } from './scenarios/latency';
import { memoryScenarios } from './scenarios/memory';
import { processingScenarios } from './scenarios/processing';
import { scaleScenarios, type ScaleReportSection } from './scenarios/scale';
import { scheduleLatenessScenarios } from './scenarios/schedule-lateness';
import { signalDispatchScenarios } from './scenarios/signal-dispatch';
import { telemetryScenarios } from './scenarios/telemetry';

type Group = (config: BenchConfig) => Promise<ScenarioResult | ScenarioResult[]>;

/** Scenario groups in the order they run; `--only` picks some by name. */
const GROUPS: Record<string, Group> = {
  signals: signalDispatchScenarios,
  eager: eagerScenario,
  process: async (config) => [
    ...(await processingScenarios(config, 50, config.processTasks)),
    ...(await processingScenarios(config, 1, config.processTasksSerial)),
  ],
  enqueue: enqueueScenarios,
  latency: latencyScenarios,
  schedules: scheduleLatenessScenarios,
  memory: memoryScenarios,
  telemetry: telemetryScenarios,
  canvas: canvasScenarios,
  cluster: clusterScenarios,
  dashboard: dashboardScenarios,
};

async function main(): Promise<void> {
  const { config, only: asked, against, scale } = parseBenchArgs(process.argv.slice(2));
  let scaleSection: ScaleReportSection | undefined;
  // The comparison with Celery and the scale-out runs are runs of their own: `--against celery`, `--scale`.
  const groups: Record<string, Group> =
    against === 'celery'
      ? { celery: celeryScenarios }
      : scale
        ? {
            scale: async (settings) => {
              const measured = await scaleScenarios(settings);
              scaleSection = measured.scale;
              return measured.scenarios;
            },
          }
        : GROUPS;
  const only = against === 'celery' ? [] : asked;
  if (against === 'celery' && !celeryInstalled()) {
    console.log('bench: Celery is not installed, so there is nothing to compare against; install it with `apt-get install -y python3-celery celery python3-redis` (Debian).');
    return;
  }
  const unknown = only.filter((name) => !(name in groups));
  if (unknown.length > 0) throw new Error(`unknown scenario group(s) ${unknown.join(', ')}; known: ${Object.keys(groups).join(', ')}`);
  const started = performance.now();
  const date = new Date().toISOString();
  const machine = await describeMachine();
  const scenarios: ScenarioResult[] = [];
  for (const [name, group] of Object.entries(groups)) {
    if (only.length > 0 && !only.includes(name)) continue;
    const groupStarted = performance.now();
    process.stderr.write(`bench: ${name}…`);
    scenarios.push(...[await group(config)].flat());
    process.stderr.write(` ${((performance.now() - groupStarted) / 1000).toFixed(1)} s\n`);
  }
  const report: BenchReport = {
    date,
    mode: config.mode,
    command: ['node', relative(resolve(__dirname, '..', '..', '..'), __filename), ...process.argv.slice(2)].join(' '),
    durationSeconds: Math.round((performance.now() - started) / 100) / 10,
    machine,
    scenarios,
    ...(scaleSection && { scale: scaleSection }),
  };
  const path = await writeJsonReport(report);
  console.log(formatTable(report));
  if (scaleSection) console.log(`\n${formatScale(scaleSection)}`);
  console.log('');
  console.log(path);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
