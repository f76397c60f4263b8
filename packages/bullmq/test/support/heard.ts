import type { TaskEvent, TaskEvents } from '../../src';

/** Collects what a receiver hears and lets a test wait until a count is reached. */
export class Heard<Event> {
  readonly events: Event[] = [];
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  readonly receiver = (event: Event): void => {
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => (this.events.length >= w.count ? (w.resolve(), false) : true));
  };

  until(count: number): Promise<void> {
    if (this.events.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

/** Reads `events` until `done` accepts one, returning every event read (without ending the iteration, as `break` would). */
export async function readUntil(events: TaskEvents, done: (event: TaskEvent) => boolean): Promise<TaskEvent[]> {
  const seen: TaskEvent[] = [];
  const iterator = events[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) throw new Error(`The events ended before the one awaited; read: ${seen.map((e) => e.signal).join(', ')}`);
    seen.push(next.value);
    if (done(next.value)) return seen;
  }
}

/** The task id of a task event, when it is about a task. */
export const taskIdOf = (event: TaskEvent): string | undefined => (event.payload as { taskId?: string }).taskId;
