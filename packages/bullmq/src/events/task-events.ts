import type { ClusterInterest } from '@tasks/core/internal';
import { ClusterNode } from '../cluster/cluster-node';
import { createRedis } from '../connection/redis-client';
import { CLOSE_STEP_MS, settlesWithin } from '../utils/settles-within';
import { keyPrefix } from '../connection/key-prefix';
import { tasksKeys } from '../keys';
import type { BullmqConnectionOptions } from '../options';
import { EVERY_SIGNAL } from './event-interests';
import { EventReader, type ReadFrom, type ReaderStats } from './event-reader';
import { decodeEntry, splitEventId, type TaskEvent } from './task-event';

/** Options of {@link TaskEvents.open}. */
export interface TaskEventsOptions extends BullmqConnectionOptions {
  /**
   * Where to start: `'now'` (default: only what is sent from now on), `'start'`
   * (everything the capped stream still holds), or an event id (resume after it).
   */
  from?: ReadFrom;
  /**
   * What to ask the workers to publish while this reader is open: signals, each
   * from one sender or from all. Default: every signal (`[{ signal: '*' }]`).
   * Events others asked for arrive too: filter them on `signal`/`sender` as needed.
   */
  interests?: readonly ClusterInterest[];
}

/**
 * The event stream of one Redis and prefix, read as an async iterable of typed
 * {@link TaskEvent}s: Celery's task and worker events (`task-received` …
 * `worker-heartbeat`), every signal sent while someone listens, with the process
 * that sent it. While open it asks every process to publish what `interests` names;
 * it has a connection of its own. Delivery is at most once, in order (per sending
 * process and overall); across a reconnect it resumes where it was and reports
 * events the cap trimmed meanwhile.
 *
 * @example
 * const events = await TaskEvents.open({ connection: 'redis://127.0.0.1:6379' });
 * for await (const event of events) {
 *   if (event.signal === 'task_failure') console.log(event.payload.taskId, event.payload.error.message);
 * }
 */
export class TaskEvents implements AsyncIterable<TaskEvent> {
  private readonly queue: Array<{ event: TaskEvent; taken: () => void }> = [];
  private waiting: ((result: IteratorResult<TaskEvent>) => void) | undefined;
  private closing: Promise<void> | undefined;
  private readonly entry = `events-${Math.random().toString(36).slice(2, 10)}`;

  private constructor(
    private readonly node: ClusterNode,
    private readonly reader: EventReader,
  ) {}

  /** Opens a reader and registers its interests; resolves once every process heard of them. */
  static async open(options: TaskEventsOptions = {}): Promise<TaskEvents> {
    const prefix = keyPrefix(options);
    const node = await ClusterNode.acquire(options);
    const connection = createRedis(options, 'blocking', `events-reader:${node.origin.id}`);
    const handlers: { push?: (event: TaskEvent) => Promise<void> | undefined } = {};
    const reader = new EventReader(connection, tasksKeys.events(prefix), (event) => handlers.push?.(event), `Events of ${prefix}`);
    const events = new TaskEvents(node, reader);
    handlers.push = (event) => events.push(event);
    try {
      await node.listen(events.entry, options.interests ?? [{ signal: EVERY_SIGNAL }]);
      await reader.start(options.from ?? 'now');
    } catch (error) {
      await events.close();
      throw error;
    }
    return events;
  }

  /**
   * The events the stream holds now, oldest first, without asking anyone to publish:
   * what was recorded while others listened (or with `events: true`).
   */
  static async history(options: BullmqConnectionOptions & { from?: string; count?: number } = {}): Promise<TaskEvent[]> {
    const node = await ClusterNode.acquire(options);
    try {
      const key = tasksKeys.events(keyPrefix(options));
      const after = options.from === undefined ? undefined : splitEventId(options.from);
      // After an event inside a batch, that entry is read again and its first events skipped.
      const start = after === undefined ? '-' : after.index >= 0 ? after.entry : `(${after.entry}`;
      const entries = await node.commands.xrange(key, start, '+', 'COUNT', options.count ?? 10_000);
      const events = entries.flatMap(([id, fields]) => decodeEntry(id, fields));
      return after === undefined || after.index < 0 ? events : events.filter((e) => splitEventId(e.id).entry !== after.entry || splitEventId(e.id).index > after.index);
    } finally {
      await node.release();
    }
  }

  /** Id of the last event read: pass it as `from` to resume after it. */
  get lastId(): string {
    return this.reader.lastId;
  }

  /** Reads, events and missed events counted so far. */
  get stats(): Readonly<ReaderStats> {
    return this.reader.stats;
  }

  [Symbol.asyncIterator](): AsyncIterator<TaskEvent> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  /** Stops reading, withdraws the interests, and ends the iteration. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.waiting?.({ done: true, value: undefined });
      this.waiting = undefined;
      this.queue.splice(0).forEach(({ taken }) => taken());
      await this.reader.close();
      // Bounded: with Redis paused the entry is left to expire (it is no longer refreshed).
      await settlesWithin(this.node.unlisten(this.entry).catch(() => undefined), CLOSE_STEP_MS);
      await this.node.release();
    })();
    return this.closing;
  }

  private next(): Promise<IteratorResult<TaskEvent>> {
    const first = this.queue.shift();
    if (first) {
      first.taken();
      return Promise.resolve({ done: false, value: first.event });
    }
    if (this.closing) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Hands an event to the consumer; resolves once it was taken, so a slow consumer slows the reader instead of filling memory. */
  private push(event: TaskEvent): Promise<void> | undefined {
    if (this.closing) return undefined;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting({ done: false, value: event });
      return undefined;
    }
    return new Promise((taken) => this.queue.push({ event, taken }));
  }
}
