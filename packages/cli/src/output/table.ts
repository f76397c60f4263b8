import { visibleLength, type Style } from './style';

/**
 * Formats rows as an aligned table under a header, columns two spaces apart,
 * the last column unpadded.
 *
 * @example
 * table(['WORKER', 'PID'], [['w1', '42']], style)
 * // WORKER  PID
 * // w1      42
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], style: Style): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => visibleLength(row[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  return [style.bold(line(header)), ...rows.map(line)].join('\n');
}

/** A duration for people: `850 ms`, `12.3 s`, `4 min`, `2 h`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** A value as short JSON for a table cell, cut at `max` characters. */
export function brief(value: unknown, max = 60): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > max ? `${json.slice(0, max - 1)}…` : json;
}
