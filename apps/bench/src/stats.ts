/** The middle value (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median() of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile, `p` in (0, 100]. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile() of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Rounds to `digits` significant digits, so the JSON does not carry float noise. */
export function significant(value: number, digits = 4): number {
  return Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(digits)) : value;
}

/**
 * Items per second while `remaining()` falls from 90% to 10% of `total`, read every
 * `pollMs`: a drain's rate without its start-up and its tail.
 */
export async function fallRate(remaining: () => Promise<number>, total: number, pollMs: number): Promise<number> {
  const high = total * 0.9;
  const low = total * 0.1;
  let highAt: number | undefined;
  for (;;) {
    const left = await remaining();
    const now = performance.now();
    if (highAt === undefined && left <= high) highAt = now;
    if (left <= low) return ((high - low) / (now - highAt!)) * 1000;
    await new Promise((poll) => setTimeout(poll, pollMs));
  }
}
