import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from './app.config';
import type { Order, OrderStatus, TimelineEntry } from './order.model';

/** Orders by status, and the sum of the paid ones (fulfilled ones included). */
export type SalesSummary = Record<OrderStatus, number> & { paidTotal: number };

/** Fields of an order that change after it was placed. */
export type OrderChanges = Partial<Omit<Order, 'id' | 'createdAt'>>;

/**
 * Orders and their timelines, in Redis, so that an API process and worker
 * processes see the same ones. An order is a hash, so each process changes only
 * the fields it owns; a timeline is a list that every process appends to.
 */
@Injectable()
export class OrdersRepository implements OnApplicationShutdown {
  private readonly logger = new Logger(OrdersRepository.name);
  private readonly redis: Redis;
  private readonly keyPrefix: string;

  constructor(config: AppConfig) {
    this.keyPrefix = `${config.prefix}:sample`;
    this.redis = new Redis(config.redisUrl);
    // One line when an outage starts and one when it ends, not one per reconnect attempt.
    let down = false;
    this.redis.on('error', (error: Error) => {
      if (down) return;
      down = true;
      this.logger.error(`Redis at ${config.redisUrl}: ${error.message}; retrying.`);
    });
    this.redis.on('ready', () => {
      if (!down) return;
      down = false;
      this.logger.log(`Redis at ${config.redisUrl} is back.`);
    });
  }

  async create(order: Order): Promise<void> {
    await this.redis.hset(this.orderKey(order.id), toHash(order));
  }

  async find(id: string): Promise<Order | undefined> {
    const hash = await this.redis.hgetall(this.orderKey(id));
    return Object.keys(hash).length === 0 ? undefined : fromHash(hash);
  }

  async update(id: string, changes: OrderChanges): Promise<void> {
    await this.redis.hset(this.orderKey(id), toHash(changes));
  }

  async appendToTimeline(orderId: string, entry: TimelineEntry): Promise<void> {
    await this.redis.rpush(this.timelineKey(orderId), JSON.stringify(entry));
  }

  async timeline(orderId: string): Promise<TimelineEntry[]> {
    const entries = await this.redis.lrange(this.timelineKey(orderId), 0, -1);
    return entries.map((entry) => JSON.parse(entry) as TimelineEntry);
  }

  /** How many orders are in each status, and the total paid; read by the periodic sales report. */
  async salesSummary(): Promise<SalesSummary> {
    const summary: SalesSummary = { placed: 0, paid: 0, payment_failed: 0, fulfilled: 0, paidTotal: 0 };
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', this.orderKey('*'), 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const [status, total] = await this.redis.hmget(key, 'status', 'total');
        if (status !== 'placed' && status !== 'paid' && status !== 'payment_failed' && status !== 'fulfilled') continue;
        summary[status] += 1;
        if (status === 'paid' || status === 'fulfilled') summary.paidTotal += Number(total);
      }
    } while (cursor !== '0');
    return summary;
  }

  /** Adds `count` (negative to remove) to the order's open tasks; resolves with the new count. */
  addOpenTasks(orderId: string, count: number): Promise<number> {
    return this.redis.incrby(this.openTasksKey(orderId), count);
  }

  // Not onModuleDestroy: the worker drains after that hook, and its tasks still write here.
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private orderKey(id: string): string {
    return `${this.keyPrefix}:order:${id}`;
  }

  private timelineKey(id: string): string {
    return `${this.keyPrefix}:timeline:${id}`;
  }

  private openTasksKey(id: string): string {
    return `${this.keyPrefix}:open-tasks:${id}`;
  }
}

function toHash(fields: Partial<Order>): Record<string, string> {
  const hash: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) hash[key] = String(value);
  return hash;
}

function fromHash(hash: Record<string, string>): Order {
  const order: Order = {
    id: hash.id,
    email: hash.email,
    total: Number(hash.total),
    card: hash.card,
    status: hash.status as OrderStatus,
    createdAt: hash.createdAt,
  };
  for (const key of ['chargeId', 'failure', 'receiptSentTo', 'reservationId'] as const) if (hash[key] !== undefined) order[key] = hash[key];
  return order;
}
