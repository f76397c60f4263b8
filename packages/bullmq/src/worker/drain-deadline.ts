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

/** Resolves `true` if `work` settles within `timeoutMs`, else `false` (the work goes on). */
export async function settlesWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
