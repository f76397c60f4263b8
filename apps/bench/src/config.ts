import { parseArgs } from 'node:util';

/** How big each scenario is: `--quick` for a smoke run, the default for figures. */
export interface BenchConfig {
  mode: 'quick' | 'full';
  /** Rounds of the Redis scenarios; each round runs the baseline and ours once, in alternating order. */
  rounds: number;
  /** Rounds of the in-process microbenchmarks (signals, eager), which are cheap. */
  microRounds: number;
  /** Tasks processed per side and round at concurrency 50, and at concurrency 1. */
  processTasks: number;
  processTasksSerial: number;
  /** Jobs published per side and round by the enqueue scenarios. */
  enqueueTasks: number;
  /** Tasks timed one at a time per side and round by the latency scenario. */
  latencySamples: number;
  /** Tasks through the worker of the memory scenario, per side and round. */
  memoryTasks: number;
  /** Rounds of the memory scenario (each side runs in a fresh process). */
  memoryRounds: number;
  /** How long one side of a microbenchmark runs per round. */
  microMs: number;
  /** Schedules `every: 1 s` of the schedule-lateness scenario, how long its ticks are measured, and its rounds. */
  scheduleCount: number;
  scheduleDurationMs: number;
  scheduleRounds: number;
  /** Chains timed per side and round by `chain-10-latency` (the row is their median). */
  canvasChains: number;
  /** Groups published per side and round by `group-1000` (the row is their median). */
  canvasGroups: number;
  /** Chords timed per side and round by `chord-1000` (the row is their median). */
  canvasChords: number;
  /** Rounds of the canvas scenarios. */
  canvasRounds: number;
}

const QUICK: BenchConfig = {
  mode: 'quick',
  rounds: 2,
  microRounds: 2,
  processTasks: 2_000,
  processTasksSerial: 1_000,
  enqueueTasks: 2_000,
  latencySamples: 50,
  memoryTasks: 2_000,
  memoryRounds: 1,
  microMs: 100,
  scheduleCount: 50,
  scheduleDurationMs: 3_000,
  scheduleRounds: 1,
  canvasChains: 3,
  canvasGroups: 1,
  canvasChords: 1,
  canvasRounds: 1,
};

const FULL: BenchConfig = {
  mode: 'full',
  rounds: 5,
  microRounds: 5,
  processTasks: 20_000,
  processTasksSerial: 20_000,
  enqueueTasks: 20_000,
  latencySamples: 500,
  memoryTasks: 100_000,
  memoryRounds: 3,
  microMs: 500,
  scheduleCount: 200,
  scheduleDurationMs: 20_000,
  scheduleRounds: 2,
  canvasChains: 30,
  canvasGroups: 5,
  canvasChords: 5,
  canvasRounds: 5,
};

/** What the command line asked for. */
export interface BenchArgs {
  config: BenchConfig;
  /** Scenario groups to run (all when empty), e.g. `--only process,latency`. */
  only: readonly string[];
  /** `--against celery`: run the side-by-side comparison with Celery instead of the usual groups. */
  against: 'celery' | undefined;
  /** `--scale`: run the scale-out runs (worker processes, one Redis and a cluster) instead of the usual groups. */
  scale: boolean;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', default: '' },
      against: { type: 'string' },
      scale: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.against !== undefined && values.against !== 'celery') {
    throw new Error(`--against ${values.against}: the only system to compare against is celery (--against celery).`);
  }
  if (values.scale && (values.against !== undefined || values.only !== '')) {
    throw new Error('--scale is a run of its own: give it without --against or --only.');
  }
  return {
    against: values.against,
    scale: values.scale,
    config: values.quick ? QUICK : FULL,
    only: values.only.split(',').map((name) => name.trim()).filter((name) => name !== ''),
  };
}
