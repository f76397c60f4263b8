import type { Machine } from '../machine';
import type { ScenarioResult } from '../scenario';
import type { ScaleReportSection } from '../scenarios/scale';

/** The JSON file `pnpm bench` writes; the shape is fixed by DESIGN.md ("Benchmark output"). */
export interface BenchReport {
  date: string;
  mode: 'quick' | 'full';
  /** The command line that produced the report. */
  command: string;
  /** Wall time of the whole run, seconds. */
  durationSeconds: number;
  machine: Machine;
  scenarios: ScenarioResult[];
  /** `--scale` only: each run's throughput and the CPU time of every worker process and Redis server. */
  scale?: ScaleReportSection;
}
