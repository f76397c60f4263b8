import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchConfig } from '../config';
import { fillRaw, fillTasks } from '../fixtures';
import type { MemoryReport } from '../memory-child';
import { withPrefix } from '../redis';
import { alternate, metric, scenarioResult, type Measurement, type ScenarioResult } from '../scenario';

const run = promisify(execFile);
const MB = 1024 * 1024;
const CHILD = join(__dirname, '..', 'memory-child.js');

/**
 * Memory: heap and RSS of a fresh process (after GC) before its worker starts and
 * after `memoryTasks` tasks went through it (after GC, worker still open), in MB
 * of growth. Each side runs in its own process so neither sees the other's heap;
 * the queue is filled from this process beforehand.
 */
export async function memoryScenarios(config: BenchConfig): Promise<ScenarioResult[]> {
  const count = config.memoryTasks;
  const samples = await alternate(
    config.memoryRounds,
    () => withPrefix('memory-raw', async (prefix) => (await fillRaw(prefix, count), child('raw', prefix, count))),
    () => withPrefix('memory-ours', async (prefix) => (await fillTasks(prefix, count), child('ours', prefix, count))),
  );
  return (['heap', 'rss'] as const).map((kind) => {
    const { baseline, ours } = metric(samples, kind);
    return scenarioResult(
      {
        name: `memory-${kind}-growth`,
        unit: 'MB',
        higherIsBetter: false,
        baselineName: 'raw bullmq Worker',
        target: kind === 'heap' ? { text: `ours < 10 MB over ${count} tasks`, test: (r) => r.ours.median < 10 } : undefined,
      },
      baseline,
      ours,
    );
  });
}

async function child(side: 'raw' | 'ours', prefix: string, count: number): Promise<Measurement> {
  const { stdout } = await run(process.execPath, ['--expose-gc', CHILD, side, prefix, String(count)], { maxBuffer: MB });
  const report = JSON.parse(stdout.trim().split('\n').pop() ?? '') as MemoryReport;
  return { heap: (report.heapAfter - report.heapBefore) / MB, rss: (report.rssAfter - report.rssBefore) / MB };
}
