import { tasksLogger, toError } from '@tasks/core/internal';
import { disconnectNow, type RedisClient as Redis } from '../connection/redis-client';
import { decodeEntry, EntryCursor, eventIdIn, indexInEntry, splitEventId, type TaskEvent } from './task-event';

/** Where a reader starts: `'now'` (only events written from now on), `'start'` (all the stream keeps), or an event id. */
export type ReadFrom = 'now' | 'start' | string;

/** Entries read per XREAD. */
const BATCH = 500;
/** How long one XREAD blocks, so that a reconnect is reported even when no event follows it. */
const BLOCK_MS = 2000;

/** Which events a reader hands over, judged on their signal and sender before their payload is parsed. */
export type EventFilter = (signal: string, sender: string) => boolean;

/** What a reader counted, for tests and monitoring. */
export interface ReaderStats {
  /** XREAD calls that returned. */
  reads: number;
  /** Events handed to the handler. */
  events: number;
  /** Events known to be missed (sequence gaps), in all. */
  missed: number;
}

/**
 * Reads the event stream in order with blocking XREADs on one connection of its
 * own, and hands each event to `handle` (awaited, so events are handled one at a
 * time, in stream order). With a `filter`, the events it refuses are skipped
 * before their payload is parsed.
 *
 * Across a dropped connection it resumes after the last event it read, so it
 * loses only events the stream trimmed meanwhile (it is capped). Each process
 * numbers its events, so those losses show as jumps in the numbers: they are
 * counted and reported in one log line per reconnect (or per batch that jumped).
 */
export class EventReader {
  readonly stats: ReaderStats = { reads: 0, events: 0, missed: 0 };
  private readonly lastSeq = new Map<string, number>();
  /** Stream id XREAD reads after. */
  private position = '0-0';
  /** Id of the last event handed over (an entry id, with `.index` inside a batch). */
  private lastEvent = '0-0';
  /** When starting inside a batch: the entry, and the last index already read in it. */
  private skip: { entry: string; index: number } | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private disconnectedAt: number | undefined;
  private reconnected = false;
  private readonly cursor = new EntryCursor();

  constructor(
    private readonly connection: Redis,
    private readonly key: string,
    private readonly handle: (event: TaskEvent) => unknown,
    private readonly describe: string,
    private readonly filter?: EventFilter,
  ) {
    connection.on('error', () => undefined);
    connection.on('close', () => {
      if (!this.closed && this.disconnectedAt === undefined) this.disconnectedAt = Date.now();
    });
    connection.on('ready', () => {
      if (this.disconnectedAt !== undefined) this.reconnected = true;
    });
  }

  /** Fixes the start position (resolving `'now'` to the stream's last id, so a reconnect can resume from it) and starts reading. */
  async start(from: ReadFrom): Promise<void> {
    if (from === 'now') {
      const [last] = await this.connection.xrevrange(this.key, '+', '-', 'COUNT', 1);
      this.position = last?.[0] ?? '0-0';
    } else if (from === 'start') {
      this.position = '0-0';
    } else {
      const { entry, index } = splitEventId(from);
      // Resuming inside a batch: read that entry again and skip what was read of it.
      this.position = index >= 0 ? entryBefore(entry) : entry;
      if (index >= 0) this.skip = { entry, index };
    }
    this.lastEvent = this.position;
    this.running = this.loop();
  }

  /** The id of the last event read: where a new reader would resume. */
  get lastId(): string {
    return this.lastEvent;
  }

  /** Stops reading and closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    disconnectNow(this.connection);
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await this.connection.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', this.key, this.position)) as typeof reply;
      } catch (thrown) {
        if (this.closed) return;
        // The client reconnects by itself and the read is sent again; only an unexpected reply lands here.
        tasksLogger().warn(`${this.describe}: reading events failed (${toError(thrown).message}); reading on.`);
        await this.untilReady();
        continue;
      }
      if (this.closed) return;
      this.stats.reads++;
      const entries = reply?.[0]?.[1] ?? [];
      let missed = 0;
      for (const [id, fields] of entries) {
        this.position = id;
        const skip = this.skip?.entry === id ? this.skip.index : -1;
        this.skip = undefined;
        const cursor = this.cursor;
        if (!cursor.open(fields)) {
          missed += await this.handleOlder(id, fields, skip);
          continue;
        }
        const count = cursor.count;
        if (skip + 1 < count) missed += this.gap(cursor.origin.id, cursor.seq + skip + 1, cursor.seq + count - 1);
        for (let i = skip + 1; i < count; i++) {
          const eventId = eventIdIn(id, i, count);
          this.lastEvent = eventId;
          if (!cursor.at(i) || (this.filter !== undefined && !this.filter(cursor.signal, cursor.sender))) continue;
          const event = cursor.event(eventId, i);
          if (event === undefined) continue;
          // Most events need no wait: a turn of the loop is spared. (Only this loop moves the cursor.)
          const handled = this.deliver(event);
          if (handled !== undefined) await handled;
        }
      }
      this.stats.missed += missed;
      this.report(missed);
      // What the receivers set going runs before the next read is sent: a receiver that answers at
      // once (a reply signal, a next send) does not wait behind that write.
      if (entries.length > 0) await Promise.resolve();
    }
  }

  /** Hands one event over; a promise only when the handler returned one. */
  private deliver(event: TaskEvent): Promise<void> | undefined {
    this.stats.events++;
    try {
      const handled = this.handle(event);
      if (handled instanceof Promise) return handled.then(undefined, (thrown: unknown) => this.failed(event, thrown));
    } catch (thrown) {
      this.failed(event, thrown);
    }
    return undefined;
  }

  private failed(event: TaskEvent, thrown: unknown): void {
    const error = toError(thrown);
    tasksLogger().error(`${this.describe}: handling event ${event.id} failed: ${error.message}`, error.stack);
  }

  /** An entry written by an earlier version (its events whole in JSON): the events missed before it. */
  private async handleOlder(id: string, fields: readonly string[], skip: number): Promise<number> {
    let missed = 0;
    for (const event of decodeEntry(id, fields, this.cursor)) {
      if (indexInEntry(event.id) <= skip) continue;
      missed += this.gap(event.origin.id, event.seq, event.seq);
      this.lastEvent = event.id;
      if (this.filter !== undefined && !this.filter(event.signal, event.sender)) continue;
      const handled = this.deliver(event);
      if (handled !== undefined) await handled;
    }
    return missed;
  }

  /** How many events of process `origin` were skipped before its events `first`…`last`, which are read now. */
  private gap(origin: string, first: number, last: number): number {
    const previous = this.lastSeq.get(origin);
    this.lastSeq.set(origin, Math.max(last, previous ?? 0));
    return previous !== undefined && first > previous + 1 ? first - previous - 1 : 0;
  }

  private report(missed: number): void {
    if (this.reconnected) {
      const away = this.disconnectedAt === undefined ? 0 : Date.now() - this.disconnectedAt;
      this.reconnected = false;
      this.disconnectedAt = undefined;
      tasksLogger().warn(
        missed > 0
          ? `${this.describe}: reconnected after ${away} ms and resumed; ${missed} event(s) missed while away (trimmed from the capped stream).`
          : `${this.describe}: reconnected after ${away} ms and resumed; 0 events missed.`,
      );
    } else if (missed > 0) {
      tasksLogger().warn(`${this.describe}: ${missed} event(s) missed: the reader fell behind the capped stream.`);
    }
  }

  private untilReady(): Promise<void> {
    if (this.connection.status === 'ready' || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.connection.off('ready', done);
        this.connection.off('end', done);
        resolve();
      };
      this.connection.once('ready', done);
      this.connection.once('end', done);
    });
  }
}

/** The greatest stream id below `entry` (`<ms>-<n>`), so that XREAD after it returns `entry` again. */
export function entryBefore(entry: string): string {
  const [ms, seq] = entry.split('-').map((part) => BigInt(part));
  if (seq === undefined || ms === undefined) return entry;
  return seq > 0n ? `${ms}-${seq - 1n}` : `${ms - 1n}-18446744073709551615`;
}
