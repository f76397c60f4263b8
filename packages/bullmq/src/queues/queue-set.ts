import { DEFAULT_QUEUE } from '@tasks/core';
import { Queue } from 'bullmq';
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
  ) {}

  get(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: this.prefixOf(name) });
      queue.on('error', () => undefined);
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
