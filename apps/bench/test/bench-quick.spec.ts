import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchReport } from '../src/report/bench-report';

const run = promisify(execFile);
const BENCH_DIR = join(__dirname, '..');

/** Every row `pnpm bench` must produce, one or more per scenario (see docs/PERFORMANCE.md). */
const EXPECTED_ROWS = [
  'process-c50',
  'process-c50-cpu',
  'process-c1',
  'process-c1-cpu',
  'process-c50-otel-idle',
  'process-c50-otel',
  'enqueue-concurrent',
  'enqueue-sequential',
  'enqueue-delay-vs-add-loop',
  'enqueue-delay-vs-addbulk',
  'latency-start-p50',
  'latency-start-p95',
  'latency-start-p99',
  'latency-result-p50',
  'latency-result-p95',
  'latency-result-p99',
  'schedule-lateness-p50',
  'schedule-lateness-p99',
  'signal-0-vs-emit',
  'signal-1sync-vs-emit',
  'signal-10sync-vs-emit',
  'signal-0-vs-emitAsync',
  'signal-1sync-vs-emitAsync',
  'signal-10sync-vs-emitAsync',
  'signal-1async-vs-emitAsync',
  'signal-10async-vs-emitAsync',
  'memory-heap-growth',
  'memory-rss-growth',
  'eager-call',
  'group-1000',
  'chain-10-latency',
  'chord-1000',
  'process-c50-events',
  'cluster-signal-latency',
  'cluster-signal-latency-p50',
  'process-c50-dashboard',
];

// Runs the real quick mode against the local Redis, so the bench can not rot.
// The packages it imports must be built (`pnpm build`, as CI does first); the
// bench itself is compiled here so the run always matches its sources.
describe('pnpm bench --quick', () => {
  let report: BenchReport;
  let stdout: string;
  let reportPath: string;

  beforeAll(async () => {
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(BENCH_DIR, 'tsconfig.build.json')]);
    ({ stdout } = await run(process.execPath, [join(BENCH_DIR, 'dist', 'main.js'), '--quick'], { timeout: 290_000, maxBuffer: 10 * 1024 * 1024 }));
    reportPath = stdout.trim().split('\n').pop()!;
    report = JSON.parse(await readFile(reportPath, 'utf8')) as BenchReport;
  }, 300_000);

  afterAll(async () => {
    if (reportPath) await rm(reportPath, { force: true });
  });

  it('prints the table with the machine and date, and the JSON path last', () => {
    expect(reportPath).toMatch(/apps[/\\]bench[/\\]results[/\\]bench-[\w-]+\.json$/);
    expect(stdout).toContain(`date: ${report.date}`);
    expect(stdout).toContain(`node ${report.machine.node}; redis ${report.machine.redis}`);
    for (const name of EXPECTED_ROWS) expect(stdout).toContain(`| ${name} `);
  });

  it('writes the JSON shape of DESIGN.md', () => {
    expect(Number.isNaN(Date.parse(report.date))).toBe(false);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
    expect(report.machine.redis).toMatch(/^\d+\.\d+/);
    expect(report.mode).toBe('quick');
    expect(report.scenarios.map((s) => s.name).sort()).toEqual(expect.arrayContaining(EXPECTED_ROWS));
  });

  it('gives every scenario both medians and their ratio', () => {
    for (const scenario of report.scenarios) {
      const { name, unit, higherIsBetter, baseline, ours, ratio } = scenario;
      expect({ name, unit: typeof unit, higherIsBetter: typeof higherIsBetter, baseline: typeof baseline.name }).toEqual({
        name,
        unit: 'string',
        higherIsBetter: 'boolean',
        baseline: 'string',
      });
      for (const value of [baseline.median, ours.median, ratio]) {
        expect({ name, value, positive: Number.isFinite(value) && value > 0 }).toEqual({ name, value, positive: true });
      }
      // The ratio is ours ÷ baseline, for latencies too (rounded to 3 significant digits).
      expect(Math.abs(ratio - ours.median / baseline.median) / ratio).toBeLessThan(0.01);
    }
  });
});

describe('pnpm bench --against celery', () => {
  beforeAll(() => run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(BENCH_DIR, 'tsconfig.build.json')]), 60_000);

  it('without Celery, says how to install it in one line and writes no report', async () => {
    const { stdout, stderr } = await run(process.execPath, [join(BENCH_DIR, 'dist', 'main.js'), '--quick', '--against', 'celery'], {
      env: { ...process.env, BENCH_CELERY_PYTHON: '/nonexistent/python3' },
    });
    expect(stdout.trim().split('\n')).toEqual([expect.stringContaining('apt-get install -y python3-celery celery python3-redis')]);
    expect(stderr).toBe('');
  }, 60_000);

  it('refuses a system it can not compare against, naming the one it can', async () => {
    await expect(run(process.execPath, [join(BENCH_DIR, 'dist', 'main.js'), '--against', 'rq'])).rejects.toMatchObject({
      stderr: expect.stringContaining('--against rq: the only system to compare against is celery'),
    });
  });
});
