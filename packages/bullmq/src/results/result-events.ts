import type { JsonValue } from '@tasks/core';
import { tasksLogger } from '@tasks/core/internal';
import { isConnectionError } from '../connection/outage-log';
import { QueueEvents } from 'bullmq';
import { disconnectNow, type RedisClient as Redis } from '../connection/redis-client';
import { settlesWithin } from '../utils/settles-within';

/** What a `completed` event tells a waiter: the task's result. */
export interface JobCompleted {
  result: JsonValue;
}

/**
 * Tells waiting `get()` calls that a job may have finished, from BullMQ's event
 * stream: one `QueueEvents` reader per queue, opened on the first wait.
 */
export class ResultEvents {
  private readonly readers = new Map<string, Promise<QueueEvents>>();
  private readonly waiters = new Map<string, Set<(end?: JobCompleted) => void>>();
  private readonly connections: Redis[] = [];
  private closed = false;

  constructor(
    private readonly prefixOf: (queue: string) => string,
    private readonly openConnection: (queue: string) => Redis,
  ) {}

  /**
   * Calls `wake` whenever job `jobId` completes, fails or is removed in one of
   * `queues`. Resolves once the readers listen, so a state read after it can not
   * miss an event. Returns the function that stops the watch.
   */
  async watch(jobId: string, queues: readonly string[], wake: (end?: JobCompleted) => void): Promise<() => void> {
    let set = this.waiters.get(jobId);
    if (!set) this.waiters.set(jobId, (set = new Set()));
    set.add(wake);
    const stop = () => {
      set.delete(wake);
      if (set.size === 0 && this.waiters.get(jobId) === set) this.waiters.delete(jobId);
    };
    try {
      await Promise.all(queues.map((queue) => this.reader(queue)));
    } catch (error) {
      stop();
      throw error;
    }
    return stop;
  }

  /** Closes the readers, waiting at most `timeoutMs` for Redis, then drops their connections. */
  async close(timeoutMs: number): Promise<void> {
    this.closed = true;
    const readers = [...this.readers.values()];
    this.readers.clear();
    const closing = Promise.allSettled(readers.map(async (reader) => closeReader(await reader)));
    await settlesWithin(closing, timeoutMs);
    // BullMQ leaves connections it was given open.
    this.connections.forEach(disconnectNow);
    this.connections.length = 0;
  }

  private reader(queue: string): Promise<QueueEvents> {
    let reader = this.readers.get(queue);
    if (!reader) {
      if (this.closed) return Promise.reject(new Error('The result reader is closed.'));
      reader = this.openReader(queue);
      this.readers.set(queue, reader);
    }
    return reader;
  }

  private async openReader(queue: string): Promise<QueueEvents> {
    const connection = this.openConnection(queue);
    this.connections.push(connection);
    // Read on from the stream's end as it is now. The default, '$', would be fixed only
    // by the reader's first XREAD, after `waitUntilReady`: a task ending in between was missed.
    const [last] = await connection.xrevrange(`${this.prefixOf(queue)}:${queue}:events`, '+', '-', 'COUNT', 1);
    const events = new QueueEvents(queue, { connection, prefix: this.prefixOf(queue), autorun: true, lastEventId: last?.[0] ?? '0' });
    const wake = ({ jobId }: { jobId: string }) => this.waiters.get(jobId)?.forEach((w) => w());
    // A completion carries its result: the waiter needs no second read.
    events.on('completed', ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) =>
      this.waiters.get(jobId)?.forEach((w) => w({ result: (returnvalue ?? null) as JsonValue })),
    );
    events.on('failed', wake);
    events.on('removed', wake);
    // Connection errors are reported once per outage by the connection's own log.
    events.on('error', (error) => {
      if (!isConnectionError(error)) tasksLogger().error(`Result reader of queue ${queue}: ${error.message}`, error.stack);
    });
    await events.waitUntilReady();
    return events;
  }
}

/**
 * Closes a reader. BullMQ reads on a copy of the connection it was given; with Redis down
 * that copy waits to reconnect, and closing it there would leave its pending read, and
 * BullMQ's timer racing it, to hold the process for the read's block time: it is ended at once.
 */
async function closeReader(reader: QueueEvents): Promise<void> {
  const client = await reader.getBackend().client;
  const closing = reader.close();
  if (client.status === 'reconnecting') disconnectNow(client as unknown as Redis);
  await closing;
}
