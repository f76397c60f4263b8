import type { ScaleReportSection } from '../scenarios/scale';

const HEADERS = ['setup', 'worker processes', 'queues', 'tasks', 'jobs/s', 'vs 1 process, one Redis', 'wall s', 'CPU s of each worker', 'CPU s of each Redis'];

/** The `--scale` table (Markdown), with the notes that say how to read it on this machine. */
export function formatScale(section: ScaleReportSection): string {
  const single = section.runs[0]?.jobsPerSecond ?? Number.NaN;
  const rows = section.runs.map((run) => [
    run.setup === 'redis' ? 'one Redis' : `cluster, ${run.redis.length} masters`,
    String(run.processes),
    String(run.queues.length),
    run.tasks.toLocaleString('en-US'),
    run.jobsPerSecond.toLocaleString('en-US'),
    `${(run.jobsPerSecond / single).toFixed(2)}×`,
    run.wallSeconds.toFixed(1),
    run.workers.map((worker) => worker.cpuSeconds.toFixed(1)).join(' / '),
    run.redis.map((server) => server.cpuSeconds.toFixed(1)).join(' / '),
  ]);
  const widths = HEADERS.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    `scale-out: ${section.cores} core(s) on this machine`,
    ...section.notes.map((note) => `- ${note}`),
    '',
    line(HEADERS),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}
