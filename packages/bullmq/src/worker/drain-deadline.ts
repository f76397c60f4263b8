import { CLOSE_STEP_MS } from '../utils/settles-within';

/** What an attempt still running at the drain's deadline settles with. */
export const LEFT_FOR_ANOTHER_WORKER = Symbol('left for another worker');

/**
 * The moment a drain stops waiting for running attempts. BullMQ's `close()` can
 * not be forced once it waits, so each attempt runs through {@link race}: once
 * the deadline passes, the attempt settles with {@link LEFT_FOR_ANOTHER_WORKER}
 * and the worker puts its job back in the queue.
 */
export class DrainDeadline {
  private readonly waiting = new Set<() => void>();
  private passed = false;

  /**
   * Starts `work` and settles with its outcome, or with {@link LEFT_FOR_ANOTHER_WORKER}
   * if the deadline passes first; past the deadline, `work` is not started at all.
   */
  race<Outcome>(start: () => Promise<Outcome>): Promise<Outcome | typeof LEFT_FOR_ANOTHER_WORKER> {
    if (this.passed) return Promise.resolve(LEFT_FOR_ANOTHER_WORKER);
    const work = start();
    return new Promise((resolve, reject) => {
      const leave = () => resolve(LEFT_FOR_ANOTHER_WORKER);
      // Removed once the work settles, so that finished attempts are not retained.
      this.waiting.add(leave);
      work.then(
        (outcome) => {
          this.waiting.delete(leave);
          resolve(outcome);
        },
        (error: unknown) => {
          this.waiting.delete(leave);
          reject(error);
        },
      );
    });
  }

  expire(): void {
    this.passed = true;
    this.waiting.forEach((leave) => leave());
    this.waiting.clear();
  }
}

/**
 * How much longer than `shutdownTimeoutMs` a drain may take, at most: putting
 * tasks still running back in their queues and closing connections (up to
 * {@link CLOSE_STEP_MS} each), then `worker_shutdown` receivers (at least
 * {@link CLOSE_STEP_MS}, or what remains of the timeout if more).
 */
export const DRAIN_MARGIN_MS = 3 * CLOSE_STEP_MS;

/** The time one drain may take, counted from its start. */
export class DrainBudget {
  /** When the drain stops waiting (epoch ms). */
  readonly endsAt: number;

  constructor(timeoutMs: number) {
    this.endsAt = Date.now() + timeoutMs;
  }

  /** Milliseconds left, never negative. */
  remaining(): number {
    return Math.max(0, this.endsAt - Date.now());
  }
}
