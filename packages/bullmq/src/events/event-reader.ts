import { tasksLogger, toError } from '@tasks/core/internal';
import type { RedisClient as Redis } from '../connection/redis-client';
import { decodeEvent, type TaskEvent } from './task-event';

/** Where a reader starts: `'now'` (only events written from now on), `'start'` (all the stream keeps), or an event id. */
export type ReadFrom = 'now' | 'start' | string;

/** Entries read per XREAD. */
const BATCH = 500;
/** How long one XREAD blocks, so that a reconnect is reported even when no event follows it. */
const BLOCK_MS = 2000;

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
 * time, in stream order).
 *
 * Across a dropped connection it resumes after the last event it read, so it
 * loses only events the stream trimmed meanwhile (it is capped). Each process
 * numbers its events, so those losses show as jumps in the numbers: they are
 * counted and reported in one log line per reconnect (or per batch that jumped).
 */
export class EventReader {
  readonly stats: ReaderStats = { reads: 0, events: 0, missed: 0 };
  private readonly lastSeq = new Map<string, number>();
  private position = '0-0';
  private running: Promise<void> | undefined;
  private closed = false;
  private disconnectedAt: number | undefined;
  private reconnected = false;

  constructor(
    private readonly connection: Redis,
    private readonly key: string,
    private readonly handle: (event: TaskEvent) => unknown,
    private readonly describe: string,
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
    } else {
      this.position = from === 'start' ? '0-0' : from;
    }
    this.running = this.loop();
  }

  /** The id of the last event read: where a new reader would resume. */
  get lastId(): string {
    return this.position;
  }

  /** Stops reading and closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.connection.disconnect();
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
        const event = decodeEvent(id, fields);
        if (!event) continue;
        missed += this.sequenceGap(event);
        this.stats.events++;
        try {
          await this.handle(event);
        } catch (thrown) {
          const error = toError(thrown);
          tasksLogger().error(`${this.describe}: handling event ${id} failed: ${error.message}`, error.stack);
        }
      }
      this.stats.missed += missed;
      this.report(missed);
    }
  }

  /** How many events of this event's process were skipped since the last one read. */
  private sequenceGap(event: TaskEvent): number {
    const last = this.lastSeq.get(event.origin.id);
    this.lastSeq.set(event.origin.id, Math.max(event.seq, last ?? 0));
    return last !== undefined && event.seq > last + 1 ? event.seq - last - 1 : 0;
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
