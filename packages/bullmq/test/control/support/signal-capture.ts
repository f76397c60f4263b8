import type { Signal, SignalEventOf } from '@tasks/core';

/** Every event a signal sent (from one sender, if given), and a way to wait for the next ones. */
export class SignalCapture<Payload extends object> {
  readonly events: SignalEventOf<Payload>[] = [];
  private readonly waiters = new Set<{ match: (event: SignalEventOf<Payload>) => boolean; resolve: (event: SignalEventOf<Payload>) => void }>();
  private readonly off: () => boolean;

  constructor(signal: Signal<Payload>, sender?: string) {
    this.off = signal.connect(
      (event) => {
        this.events.push(event);
        for (const waiter of this.waiters) {
          if (!waiter.match(event)) continue;
          this.waiters.delete(waiter);
          waiter.resolve(event);
        }
      },
      { sender },
    );
  }

  /** The first event, already sent or to come, that `match` accepts. */
  next(match: (event: SignalEventOf<Payload>) => boolean = () => true): Promise<SignalEventOf<Payload>> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.add({ match, resolve }));
  }

  /** Resolves once `count` events were sent. */
  count(count: number): Promise<void> {
    return this.next(() => this.events.length >= count).then(() => undefined);
  }

  dispose(): void {
    this.off();
  }
}
