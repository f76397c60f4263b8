import { DEFAULT_QUEUE } from '@tasks/core';
import { tasksLogger } from '@tasks/core/internal';
import { Queue, type QueueOptions } from 'bullmq';
import { isConnectionError } from '../connection/outage-log';
import type { RedisClient as Redis } from '../connection/redis-client';

/**
 * The BullMQ `Queue` objects of one client, by name, opened on first use and all on
 * one connection; shared by publishing and result reading.
 */
export class QueueSet {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly redis: Redis,
    /** The BullMQ prefix of a queue (see `queuePrefix`). */
    readonly prefixOf: (queue: string) => string,
    /** Queues to search for an id whose queue is not known, besides those opened here. */
    private readonly known: () => readonly string[],
    /** BullMQ's own queue options passed through. */
    private readonly telemetry?: QueueOptions['telemetry'],
  ) {}

  get(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: this.prefixOf(name), telemetry: this.telemetry });
      // Its connection errors are the shared connection's, which the outage log reports.
      queue.on('error', (error) => {
        if (!isConnectionError(error)) tasksLogger().error(`Queue ${name}: ${error.message}`, error.stack);
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Where to look for a task whose queue is not known: queues published to from here count too. */
  searchable(): string[] {
    return [...new Set([...this.known(), ...this.queues.keys(), DEFAULT_QUEUE])];
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
