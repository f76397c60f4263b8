import { setTimeout as sleep } from 'node:timers/promises';
import { isConnectionError } from '../connection/outage-log';

/** The first pause between two tries of an outcome write; it doubles up to {@link RETRY_MAX_MS}. */
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 1000;

/**
 * The writes that record a finished attempt in Redis (BullMQ's move of the job to
 * completed, failed or delayed for a retry). A body that finished must not run
 * again because its outcome was lost on the way: a write that fails because Redis
 * can not be reached is tried again, with backoff, for as long as it can still
 * land, that is until the job's lock may lapse (the lock is no longer renewed once
 * the body ended; it was renewed at most half a lock duration before) and, during
 * a drain, until the drain's deadline. A write is never sent again while an earlier
 * try may still land (that one would be a second outcome): a try that only waits
 * (Redis paused, or reconnecting) is waited for, and the drain ends it at its
 * deadline by closing the connection.
 *
 * What remains is Redis unreachable past that deadline: the outcome is then lost,
 * the job's lock lapses, and the task runs again (at-least-once).
 */
export class OutcomeWrites {
  private inFlight = 0;
  private drainEndsAt = Number.POSITIVE_INFINITY;

  constructor(private readonly lockDurationMs: number) {}

  /** Outcomes of finished attempts not yet written. */
  get pending(): number {
    return this.inFlight;
  }

  /** A drain started: from now on, no write is tried after `endsAt` (epoch ms). */
  drainUntil(endsAt: number): void {
    this.drainEndsAt = Math.min(this.drainEndsAt, endsAt);
  }

  /**
   * Runs `write` (one outcome's write), again after each connection error while it can
   * still land. A write that lands at once (the rule) costs one reaction, no promise of
   * an async function's own.
   */
  write<Written>(write: () => Promise<Written>): Promise<Written> {
    const lockEndsAt = Date.now() + this.lockDurationMs / 2;
    this.inFlight++;
    let first: Promise<Written>;
    try {
      first = write();
    } catch (error) {
      first = Promise.reject(error);
    }
    return first.then(
      (written) => {
        this.inFlight--;
        return written;
      },
      (error: unknown) => this.retry(write, error, lockEndsAt),
    );
  }

  /** After the first try failed with `error`: tries again with backoff while a connection error may still land. */
  private async retry<Written>(write: () => Promise<Written>, error: unknown, lockEndsAt: number): Promise<Written> {
    try {
      for (let pauseMs = RETRY_FIRST_MS; ; pauseMs = Math.min(2 * pauseMs, RETRY_MAX_MS)) {
        const endsAt = Math.min(lockEndsAt, this.drainEndsAt);
        if (!isConnectionError(error) || Date.now() + pauseMs >= endsAt) throw error;
        await sleep(pauseMs);
        try {
          return await write();
        } catch (thrown) {
          error = thrown;
        }
      }
    } finally {
      this.inFlight--;
    }
  }
}
