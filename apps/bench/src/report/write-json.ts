import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchReport } from './bench-report';

/** Where reports go: `apps/bench/results` (git-ignored). */
const RESULTS_DIR = join(__dirname, '..', '..', 'results');

/** Writes `results/bench-<timestamp>.json` and returns its absolute path. */
export async function writeJsonReport(report: BenchReport): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `bench-${report.date.replace(/[:.]/g, '-')}.json`);
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
