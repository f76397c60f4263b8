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
  /** Epoch ms, from the first reading of the clock after the watch started (+Infinity until then). */
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
 * Watches sit in a linked list, so starting and stopping one costs no hashing.
 *
 * Starting a watch reads no clock either: a second timer, armed for the next
 * millisecond while watches wait for it, reads the clock once for every watch started
 * since its last turn, and each deadline counts from that reading. A deadline therefore
 * never passes early, and passes at most a turn of that timer late. (Watches not yet
 * stamped are always the first ones of the list: new watches go in front.)
 */
class ReceiverWatchdog {
  /** Default deadline of one receiver or hook. */
  timeoutMs: number = CORE_DEFAULTS.receiverTimeoutMs;
  private head: Watched | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  /** Reads the clock for the watches started since its last turn; made once, then refreshed. */
  private stampTimer: NodeJS.Timeout | undefined;
  private stampArmed = false;

  /** Calls `node.expire()` once `timeoutMs` passed, unless {@link stop} is called first. */
  start(node: Watched, timeoutMs: number = this.timeoutMs): void {
    // Not due before the next clock reading gives it a deadline.
    node.deadline = Number.POSITIVE_INFINITY;
    node.watchTimeoutMs = timeoutMs;
    node.watched = true;
    node.watchPrev = undefined;
    node.watchNext = this.head;
    if (this.head) this.head.watchPrev = node;
    this.head = node;
    if (!this.stampArmed) this.armStamp();
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

  private armStamp(): void {
    this.stampArmed = true;
    if (this.stampTimer) {
      this.stampTimer.refresh();
      return;
    }
    this.stampTimer = setTimeout(() => this.stamp(), 1);
    // A deadline alone never keeps the process alive.
    this.stampTimer.unref();
  }

  /** Gives every watch started since the last reading its deadline, from one reading of the clock. */
  private stamp(): void {
    this.stampArmed = false;
    const now = Date.now();
    let earliest = Number.POSITIVE_INFINITY;
    for (let watch = this.head; watch && watch.deadline === Number.POSITIVE_INFINITY; watch = watch.watchNext) {
      watch.deadline = now + watch.watchTimeoutMs;
      if (watch.deadline < earliest) earliest = watch.deadline;
    }
    if (earliest < this.timerAt) this.arm(earliest);
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
