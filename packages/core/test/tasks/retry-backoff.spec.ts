import { backoffDelay, DEFAULT_RETRY_BACKOFF } from '../../src/tasks/retry-backoff';
import type { RetryBackoff } from '../../src/tasks/task-options';

const delays = (backoff: RetryBackoff, count: number, random?: () => number) =>
  Array.from({ length: count }, (_, retries) => backoffDelay(backoff, retries, random));

describe('backoffDelay', () => {
  it('fixed: the same delay for every retry', () => {
    expect(delays({ type: 'fixed', delayMs: 250 }, 4)).toEqual([250, 250, 250, 250]);
  });

  it('exponential: doubles from the base delay (1x, 2x, 4x, 8x)', () => {
    expect(delays({ type: 'exponential', delayMs: 100 }, 4)).toEqual([100, 200, 400, 800]);
  });

  it('caps every delay at maxDelayMs', () => {
    expect(delays({ type: 'exponential', delayMs: 100, maxDelayMs: 350 }, 5)).toEqual([100, 200, 350, 350, 350]);
    expect(delays({ type: 'fixed', delayMs: 500, maxDelayMs: 200 }, 2)).toEqual([200, 200]);
  });

  it('caps at 10 minutes when maxDelayMs is not given', () => {
    expect(backoffDelay({ type: 'exponential', delayMs: 1000 }, 30)).toBe(600_000);
    expect(backoffDelay({ type: 'exponential', delayMs: 1000 }, 5000)).toBe(600_000);
  });

  it('jitter spreads a delay between half (random 0) and the full delay (random 1)', () => {
    const backoff: RetryBackoff = { type: 'exponential', delayMs: 100, jitter: true };

    expect(delays(backoff, 3, () => 0)).toEqual([50, 100, 200]);
    expect(delays(backoff, 3, () => 1)).toEqual([100, 200, 400]);
    expect(delays(backoff, 3, () => 0.5)).toEqual([75, 150, 300]);
  });

  it('jitter applies after the cap', () => {
    expect(backoffDelay({ type: 'exponential', delayMs: 100, maxDelayMs: 300, jitter: true }, 4, () => 0)).toBe(150);
  });

  it('jitter with Math.random stays within the bounds', () => {
    for (let retries = 0; retries < 50; retries++) {
      const delay = backoffDelay({ type: 'fixed', delayMs: 1000, jitter: true }, retries);
      expect(delay).toBeGreaterThanOrEqual(500);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  it('does not draw a random number without jitter', () => {
    const random = jest.fn(() => 0);

    expect(backoffDelay({ type: 'fixed', delayMs: 80 }, 0, random)).toBe(80);
    expect(random).not.toHaveBeenCalled();
  });

  it('rounds to whole milliseconds', () => {
    expect(backoffDelay({ type: 'fixed', delayMs: 3, jitter: true }, 0, () => 0)).toBe(2);
  });

  it('defaults to one second, fixed', () => {
    expect(delays(DEFAULT_RETRY_BACKOFF, 3)).toEqual([1000, 1000, 1000]);
  });
});
