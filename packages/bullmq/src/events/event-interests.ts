import type { ClusterInterest } from '@tasks/core/internal';

/** Interest in every signal (the dashboard, `tasks events`, `events: true`). */
export const EVERY_SIGNAL = '*';

/**
 * What the listening processes want, merged: which signals, from which senders.
 * The publisher consults it for each send, so a send nobody wants is not written.
 */
export class EventInterests {
  private everything = false;
  /** By signal: the senders wanted, or `null` for every sender. */
  private readonly bySignal = new Map<string, Set<string> | null>();

  constructor(interests: Iterable<ClusterInterest> = []) {
    for (const interest of interests) this.add(interest);
  }

  add({ signal, sender }: ClusterInterest): void {
    if (signal === EVERY_SIGNAL) {
      this.everything = true;
      return;
    }
    const senders = this.bySignal.get(signal);
    if (senders === null) return;
    if (sender === undefined) this.bySignal.set(signal, null);
    else if (senders) senders.add(sender);
    else this.bySignal.set(signal, new Set([sender]));
  }

  /** Whether a send of `signal` by `sender` is wanted by someone. */
  wants(signal: string, sender: string): boolean {
    if (this.everything) return true;
    const senders = this.bySignal.get(signal);
    return senders === null || (senders !== undefined && senders.has(sender));
  }

  /** Whether some send of `signal` may be wanted. */
  mayWant(signal: string): boolean {
    return this.everything || this.bySignal.has(signal);
  }

  get empty(): boolean {
    return !this.everything && this.bySignal.size === 0;
  }
}

/** A listener's entry in the `<prefix>::listeners` hash. */
export interface ListenerEntry {
  /** Epoch ms after which the entry is stale (its process is gone). */
  until: number;
  interests: ClusterInterest[];
}

/** Reads a listener entry; `undefined` when damaged. */
export function parseListenerEntry(json: string): ListenerEntry | undefined {
  try {
    const entry = JSON.parse(json) as Partial<ListenerEntry>;
    if (typeof entry.until !== 'number' || !Array.isArray(entry.interests)) return undefined;
    const interests = entry.interests.filter(
      (i): i is ClusterInterest => typeof i === 'object' && i !== null && typeof i.signal === 'string' && (i.sender === undefined || typeof i.sender === 'string'),
    );
    return { until: entry.until, interests };
  } catch {
    return undefined;
  }
}
