import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { AppConfig } from './app.config';

/**
 * The queues of the service's tasks: `billing.charge` (BillingTasks), `emails.receipt`
 * (EmailTasks), `orders.fulfil` (FulfilmentTasks, on `default`), `reports.sales` and `reports.export` (ReportTasks)
 * and `stock.reserve` (StockTasks).
 */
export const TASK_QUEUES = ['billing', 'emails', 'default', 'reports', 'stock'] as const;

/** Where the API serves bull-board. */
export const BOARD_PATH = '/queues';

/**
 * bull-board, BullMQ's own dashboard, over the service's task queues: each task is a
 * BullMQ job named after the task, whose `data` is the task message
 * (`{ v, args, headers, publishedAt, … }`) and whose return value is the task's result.
 * A job added by hand in the board must carry such a message; a plain payload fails
 * with `InvalidTaskMessageError` when a worker takes it.
 */
@Injectable()
export class QueuesBoard implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly queues: Queue[];

  constructor(config: AppConfig) {
    this.redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    this.redis.on('error', () => undefined);
    this.queues = TASK_QUEUES.map((name) => {
      const queue = new Queue(name, { connection: this.redis, prefix: config.prefix });
      // The tasks module reports an outage in one line; a queue nobody listens to prints each failed reconnect with its stack.
      queue.on('error', () => undefined);
      return queue;
    });
  }

  /** The board's Express router, to mount at {@link BOARD_PATH} with `app.use()`. */
  router(): unknown {
    const serverAdapter = new ExpressAdapter().setBasePath(BOARD_PATH);
    createBullBoard({ queues: this.queues.map((queue) => new BullMQAdapter(queue)), serverAdapter });
    return serverAdapter.getRouter() as unknown;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.close()));
    this.redis.disconnect();
  }
}
