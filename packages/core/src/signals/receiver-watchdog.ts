import { CORE_DEFAULTS } from '../defaults';

/** What a guarded promise settles with once its deadline passed first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

interface Watch {
  readonly deadline: number;
  readonly expire: () => void;
}

/**
 * The one process-wide timer behind every receiver and hook deadline: a send stays
 * cheap (no timer per call, nothing at all for receivers that return no promise),
 * and one timeout armed for the earliest deadline expires every watch that is due.
 */
class ReceiverWatchdog {
  /** Default deadline of one receiver or hook. */
  timeoutMs: number = CORE_DEFAULTS.receiverTimeoutMs;
  private readonly watches = new Set<Watch>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  /**
   * Settles with `pending`'s outcome, or with {@link TIMED_OUT} once `timeoutMs`
   * passed first (`pending` is left to settle on its own).
   */
  guard<Value>(pending: PromiseLike<Value>, timeoutMs: number = this.timeoutMs): Promise<Value | typeof TIMED_OUT> {
    return new Promise((resolve, reject) => {
      const watch: Watch = { deadline: Date.now() + timeoutMs, expire: () => resolve(TIMED_OUT) };
      this.watches.add(watch);
      if (watch.deadline < this.timerAt) this.arm(watch.deadline);
      pending.then(
        (value) => {
          this.watches.delete(watch);
          resolve(value);
        },
        (error: unknown) => {
          this.watches.delete(watch);
          reject(error);
        },
      );
    });
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.tick(), Math.max(0, at - Date.now()));
    // A deadline alone never keeps the process alive.
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const watch of this.watches) {
      if (watch.deadline <= now) {
        this.watches.delete(watch);
        watch.expire();
      } else if (watch.deadline < next) {
        next = watch.deadline;
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}

/** The process-wide watchdog. */
export const receiverWatchdog = new ReceiverWatchdog();

/**
 * Sets how long one awaited receiver or hook may take, process-wide (the worker,
 * the executor and `TasksModule` set it from their `receiverTimeoutMs` option).
 * Returns the previous value.
 */
export function setReceiverTimeout(timeoutMs: number): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`receiverTimeoutMs must be a number of milliseconds > 0, got ${String(timeoutMs)}.`);
  }
  const previous = receiverWatchdog.timeoutMs;
  receiverWatchdog.timeoutMs = timeoutMs;
  return previous;
}
