const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds of an interval given as a number of milliseconds or as a
 * duration string (`'500ms'`, `'30s'`, `'5m'`, `'1h'`, `'1d'`); `undefined` when
 * it is neither, or not a whole positive number of milliseconds.
 */
export function intervalMs(every: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof every === 'number') ms = every;
  else if (typeof every === 'string') {
    const match = DURATION.exec(every.trim());
    if (match) ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  return ms !== undefined && Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}
