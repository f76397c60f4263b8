import { CORE_DEFAULTS } from '../defaults';

/** What a guarded promise settles with once its deadline passed first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Something with a deadline under watch: a node of the watchdog's list while
 * watched. The thing waiting is the node itself, so a watch allocates nothing.
 * Its fields belong to the watchdog; start them as {@link unwatched} gives them.
 */
export interface Watched {
  watchPrev: Watched | undefined;
  watchNext: Watched | undefined;
  /** Epoch ms, set when the watch starts. */
  deadline: number;
  watchTimeoutMs: number;
  watched: boolean;
  /** Called once the deadline passed before the watch was stopped. */
  expire(): void;
}

/** A {@link Watched} that calls a function. */
class ExpireCall implements Watched {
  watchPrev: Watched | undefined = undefined;
  watchNext: Watched | undefined = undefined;
  deadline = 0;
  watchTimeoutMs = 0;
  watched = false;

  constructor(readonly expire: () => void) {}
}

/**
 * The one process-wide timer behind every receiver and hook deadline: a send stays
 * cheap (no timer per call, nothing at all for receivers that return no promise),
 * and one timeout armed for the earliest deadline expires every watch that is due.
 * Watches sit in a linked list, so starting and stopping one costs no hashing; a
 * deadline counts from the moment its watch starts.
 */
class ReceiverWatchdog {
  /** Default deadline of one receiver or hook. */
  timeoutMs: number = CORE_DEFAULTS.receiverTimeoutMs;
  private head: Watched | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  /** Calls `node.expire()` once `timeoutMs` passed, unless {@link stop} is called first. */
  start(node: Watched, timeoutMs: number = this.timeoutMs): void {
    node.deadline = Date.now() + timeoutMs;
    node.watchTimeoutMs = timeoutMs;
    node.watched = true;
    node.watchPrev = undefined;
    node.watchNext = this.head;
    if (this.head) this.head.watchPrev = node;
    this.head = node;
    if (node.deadline < this.timerAt) this.arm(node.deadline);
  }

  /** Stops watching `node`; returns `false` when its deadline had already expired it. */
  stop(node: Watched): boolean {
    if (!node.watched) return false;
    node.watched = false;
    const { watchPrev: prev, watchNext: next } = node;
    if (prev) prev.watchNext = next;
    else this.head = next;
    if (next) next.watchPrev = prev;
    return true;
  }

  /**
   * Settles with `pending`'s outcome, or with {@link TIMED_OUT} once `timeoutMs`
   * passed first (`pending` is left to settle on its own).
   */
  guard<Value>(pending: PromiseLike<Value>, timeoutMs: number = this.timeoutMs): Promise<Value | typeof TIMED_OUT> {
    return new Promise((resolve, reject) => {
      const watch = new ExpireCall(() => resolve(TIMED_OUT));
      this.start(watch, timeoutMs);
      pending.then(
        (value) => {
          if (this.stop(watch)) resolve(value);
        },
        (error: unknown) => {
          if (this.stop(watch)) reject(error);
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
    const expired: Watched[] = [];
    for (let watch = this.head; watch; watch = watch.watchNext) {
      if (watch.deadline <= now) expired.push(watch);
      else if (watch.deadline < next) next = watch.deadline;
    }
    for (const watch of expired) this.stop(watch);
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    for (const watch of expired) watch.expire();
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
