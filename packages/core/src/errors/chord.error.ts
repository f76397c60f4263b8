import { TasksError } from './tasks.error';

/**
 * A chord's header member failed for good, so its callback never ran: what the
 * chord's result rejects with, naming the member and its error (Celery's `ChordError`).
 *
 * @example
 * try { await (await tasks.chord([price.s(1), price.s(2)], total.s()).delay()).get(); }
 * catch (error) { if (error instanceof ChordError) console.log(error.memberId, error.memberError.name); }
 */
export class ChordError extends TasksError {
  /** Id of the header member that failed. */
  readonly memberId: string;
  /** The member's own error (name and message as it threw them). */
  readonly memberError: Error;

  constructor(memberId: string, memberError: Error) {
    super(
      `Chord member ${memberId} failed (${memberError.name}: ${memberError.message}), so the chord's callback never ran. ` +
        `Fix the member's failure, or give the member retries (maxRetries, autoretryFor) if the failure is transient.`,
    );
    this.memberId = memberId;
    this.memberError = memberError;
  }
}
