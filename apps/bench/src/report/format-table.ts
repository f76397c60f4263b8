import type { ScenarioResult } from '../scenario';
import type { BenchReport } from './bench-report';

const HEADERS = ['scenario', 'unit', 'baseline', 'baseline median', 'ours median', 'ratio', 'target'];
/** Columns of numbers, aligned right. */
const NUMERIC = new Set([3, 4, 5]);

/** The human report: machine and date, then one row per scenario, as a Markdown table that can be pasted into the docs. */
export function formatTable(report: BenchReport): string {
  const { machine } = report;
  const rows = report.scenarios.map(cells);
  const widths = HEADERS.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => (NUMERIC.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, i) => (NUMERIC.has(i) ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [
    `date: ${report.date}   mode: ${report.mode}   duration: ${report.durationSeconds} s   command: ${report.command}`,
    `machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, ${machine.os}; node ${machine.node}; redis ${machine.redis}`,
    'ratio = ours ÷ baseline; ↑ higher is better, ↓ lower is better',
    '',
    line(HEADERS),
    rule,
    ...rows.map(line),
  ].join('\n');
}

function cells(scenario: ScenarioResult): string[] {
  const target = scenario.target ? `${scenario.target.met ? 'met' : 'MISSED'}: ${scenario.target.text}` : '';
  return [
    scenario.name,
    `${scenario.unit} ${scenario.higherIsBetter ? '↑' : '↓'}`,
    scenario.baseline.name,
    formatNumber(scenario.baseline.median),
    formatNumber(scenario.ours.median),
    `${scenario.ratio < 0.1 ? scenario.ratio.toPrecision(2) : scenario.ratio.toFixed(2)}×`,
    target,
  ];
}

function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
