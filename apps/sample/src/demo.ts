import type { LoggerService } from '@nestjs/common';
import { SignalBus, TaskClient } from '@tasks/nestjs';
import { randomBytes } from 'node:crypto';
import { AppConfig } from './app.config';
import { startApi } from './bootstrap';
import type { Order, OrderWithTimeline } from './order.model';
import type { PlaceOrderDto } from './orders.dto';
import { deleteKeys, isRedisReachable } from './redis-admin';
import { formatTick, nextTick } from './schedule-tick';
import { SettledOrders } from './settled-orders';
import { formatOrder } from './timeline.table';

// `pnpm demo`: runs the service (API and worker in this process) against the
// local Redis, places three orders over HTTP and prints what happened to each.

const ORDERS: PlaceOrderDto[] = [
  { email: 'ada@example.com', total: 25, card: 'tok_ok' }, // paid at once
  { email: 'grace@example.com', total: 42.5, card: 'tok_flaky' }, // gateway times out once, paid on the retry
  { email: 'alan@example.com', total: 99, card: 'tok_declined' }, // declined: the payment fails
];
const SETTLE_TIMEOUT_MS = 20_000;

/** Nest's warnings (the hooks of BillingTasks warn on a retry and on a failure) and errors, one short line each. */
const logger: LoggerService = {
  log: () => undefined,
  warn: (message: unknown, context?: unknown) => console.log(`  ${String(context ?? 'warn')}: ${String(message)}`),
  error: (message: unknown, ...details: unknown[]) => console.error(message, ...details),
};

async function demo(): Promise<number> {
  const env = AppConfig.fromEnv();
  if (!(await isRedisReachable(env.redisUrl, 2000))) {
    console.error(`Redis is not reachable at ${env.redisUrl} (REDIS_URL) — start one with: redis-server --daemonize yes --save "" --appendonly no, or set REDIS_URL to one that runs`);
    return 1;
  }
  // Keys of its own, removed at the end: the demo leaves nothing behind.
  const config = new AppConfig(env.redisUrl, `${env.prefix}-demo-${randomBytes(3).toString('hex')}`, 0);
  const { app, url } = await startApi(config, 'all', logger);
  try {
    const settled = new SettledOrders(app.get(SignalBus));
    console.log(`Order service on ${url}, API and worker in this process, Redis at ${config.redisUrl}\n`);
    const placed: Order[] = [];
    for (const order of ORDERS) {
      placed.push(await request<Order>(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) }));
      console.log(`POST /orders  card ${order.card.padEnd(12)} -> ${placed.at(-1)!.id}`);
    }
    console.log('\nWaiting for the orders to settle…\n');
    await Promise.all(placed.map(({ id }) => settled.wait(id, SETTLE_TIMEOUT_MS)));
    const tick = nextTick(app.get(SignalBus), 'reports.sales', Date.now(), SETTLE_TIMEOUT_MS);
    for (const { id } of placed) console.log(`${formatOrder(await request<OrderWithTimeline>(`${url}/orders/${id}`))}\n`);
    const seen = await tick;
    console.log(formatTick(seen, await app.get(TaskClient).schedules.get('reports.sales')));
  } finally {
    await app.close();
    await deleteKeys(config.redisUrl, config.prefix);
  }
  return 0;
}

async function request<Body>(url: string, init?: RequestInit): Promise<Body> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Body;
}

demo().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
