import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
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

describe('pnpm bench --quick --scale', () => {
  // A cluster of its own on free loopback ports: the bench starts it, and stops it since it started it.
  const ports = Array.from({ length: 3 }, (_, i) => 7100 + (process.pid % 250) * 3 + i);
  const nodes = ports.map((port) => `127.0.0.1:${port}`).join(',');
  let report: BenchReport;
  let stdout: string;
  let reportPath: string;

  beforeAll(async () => {
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(BENCH_DIR, 'tsconfig.build.json')]);
    ({ stdout } = await run(process.execPath, [join(BENCH_DIR, 'dist', 'main.js'), '--quick', '--scale'], {
      env: { ...process.env, BENCH_SCALE_TASKS: '600', REDIS_CLUSTER_NODES: nodes, REDIS_CLUSTER_DIR: join(tmpdir(), `bench-scale-cluster-${process.pid}`) },
      timeout: 170_000,
      maxBuffer: 10 * 1024 * 1024,
    }));
    reportPath = stdout.trim().split('\n').pop()!;
    report = JSON.parse(await readFile(reportPath, 'utf8')) as BenchReport;
  }, 180_000);

  afterAll(async () => {
    if (reportPath) await rm(reportPath, { force: true });
  });

  it('runs 1, 2 and 4 worker processes on one Redis and on a 3-master cluster, with the CPU of each process and server', () => {
    const runs = report.scale!.runs;
    expect(runs.map((r) => [r.setup, r.processes, r.queues.length, r.tasks])).toEqual([
      ['redis', 1, 1, 600],
      ['redis', 2, 1, 600],
      ['redis', 4, 1, 600],
      ['cluster', 1, 3, 600],
      ['cluster', 2, 3, 600],
      ['cluster', 4, 3, 600],
    ]);
    for (const r of runs) {
      expect(r.jobsPerSecond).toBeGreaterThan(0);
      expect(r.workers).toHaveLength(r.processes);
      expect(new Set(r.workers.map((w) => w.pid)).size).toBe(r.processes);
      expect(r.workers.every((w) => w.cpuSeconds > 0)).toBe(true);
      expect(r.redis.map((s) => s.server)).toEqual(r.setup === 'redis' ? [expect.any(String)] : expect.arrayContaining(ports.map((port) => `127.0.0.1:${port}`)));
      expect(r.redis.every((s) => s.cpuSeconds >= 0)).toBe(true);
    }
    expect(report.scale!.cores).toBe(report.machine.cores);
    expect(report.scenarios.map((s) => s.name)).toEqual(['scale-redis-2p', 'scale-redis-4p', 'scale-cluster-1p', 'scale-cluster-2p', 'scale-cluster-4p']);
  });

  it('prints both tables, says how many cores there are, and stops the cluster it started', async () => {
    expect(stdout).toContain('| scale-cluster-4p ');
    expect(stdout).toContain(`This machine has ${report.machine.cores} core(s)`);
    expect(stdout).toMatch(/\| cluster, 3 masters +\| 4 /);
    const refused = new Promise<Error>((resolve) => {
      const probe = new Redis({ port: ports[0], retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.once('error', (error) => (probe.disconnect(), resolve(error)));
    });
    await expect(refused).resolves.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
