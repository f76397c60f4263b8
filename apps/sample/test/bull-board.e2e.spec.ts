import type { INestApplication } from '@nestjs/common';
import { TaskState, taskReceived, type TaskFailedError } from '@tasks/core';
import { SignalBus, TaskClient } from '@tasks/nestjs';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { AppConfig } from '../src/app.config';
import { startApi } from '../src/bootstrap';
import type { Order } from '../src/order.model';
import type { PlaceOrderDto } from '../src/orders.dto';
import { deleteKeys } from '../src/redis-admin';
import { SettledOrders } from '../src/settled-orders';
import { REDIS_URL, uniquePrefix } from './support/redis';

/** The part of a job bull-board's API returns that these tests read. */
interface BoardJob {
  id: string;
  name: string;
  data: { v: number; args: unknown[]; headers: Record<string, unknown> } | Record<string, unknown>;
  returnValue: unknown;
  failedReason?: string;
  stacktrace: string[];
  attempts: number;
  processedOn?: number | null;
  delay?: number;
  opts: Record<string, unknown>;
}

interface BoardQueue {
  name: string;
  counts: Record<string, number>;
  jobs: BoardJob[];
}

describe('bull-board at /queues, over the task queues', () => {
  const prefix = uniquePrefix();
  let app: INestApplication;
  let url: string;
  let settled: SettledOrders;

  const placeOrder = async (order: PlaceOrderDto): Promise<Order> => {
    const response = await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) });
    expect(response.status).toBe(201);
    return (await response.json()) as Order;
  };
  const board = async <Body>(path: string, init?: RequestInit): Promise<Body> => {
    const response = await fetch(`${url}/queues/api/${path}`, init);
    expect(response.status).toBe(200);
    return (await response.json()) as Body;
  };
  const queue = async (name: string, status: string): Promise<BoardQueue> => {
    const { queues } = await board<{ queues: BoardQueue[] }>(`queues?activeQueue=${name}&status=${status}&page=1&jobsPerPage=50`);
    return queues.find((found) => found.name === name)!;
  };

  beforeAll(async () => {
    ({ app, url } = await startApi(new AppConfig(REDIS_URL, prefix, 0), 'all', ['error']));
    settled = new SettledOrders(app.get(SignalBus));
  });
  afterAll(async () => {
    await app?.close();
    await deleteKeys(REDIS_URL, prefix);
  });

  it('serves the board page', async () => {
    const response = await fetch(`${url}/queues`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('lists every task queue, with each task as a job named after it, its message as data and its result', async () => {
    const [paid, declined] = await Promise.all([
      placeOrder({ email: 'ada@example.com', total: 25, card: 'tok_ok' }),
      placeOrder({ email: 'alan@example.com', total: 99, card: 'tok_declined' }),
    ]);
    await expect(settled.wait(paid.id, 20_000)).resolves.toBe('fulfilled');
    await expect(settled.wait(declined.id, 20_000)).resolves.toBe('payment_failed');

    const { queues } = await board<{ queues: BoardQueue[] }>('queues');
    expect(queues.map((found) => found.name).sort()).toEqual(['billing', 'default', 'emails', 'reports', 'stock']);

    const completed = await queue('billing', 'completed');
    const charge = completed.jobs.find((job) => (job.data as { args: unknown[] }).args[0] === paid.id)!;
    expect(charge).toMatchObject({
      name: 'billing.charge',
      data: { v: 1, args: [paid.id], headers: {} },
      returnValue: { orderId: paid.id, chargeId: expect.stringMatching(/^ch_/), amount: 25 },
    });
    const receipts = await queue('emails', 'completed');
    expect(receipts.jobs.map((job) => job.name)).toContain('emails.receipt');

    const failed = await queue('billing', 'failed');
    const refused = failed.jobs.find((job) => (job.data as { args: unknown[] }).args[0] === declined.id)!;
    expect(refused).toMatchObject({ name: 'billing.charge', failedReason: 'card tok_declined declined' });
    expect(refused.stacktrace[0]).toMatch(/^CardDeclinedError: card tok_declined declined/);

    // The task's real attempt budget (maxRetries 3, so 4 attempts), not BullMQ's "retry for ever".
    expect(charge.opts.attempts).toBe(4);
    expect(refused.opts.attempts).toBe(4);
  });

  it('a task revoked while it waits stays on the board as failed, its reason the revoke', async () => {
    const client = app.get(TaskClient);
    const waiting = await client.applyAsync('emails.receipt', [{ orderId: 'ord_revoked', chargeId: 'ch_none', amount: 1 }], { delayMs: 600_000 });
    expect((await queue('emails', 'delayed')).jobs.map((job) => job.id)).toContain(waiting.id);

    await client.revoke(waiting.id);
    expect(await waiting.state()).toBe(TaskState.REVOKED);
    const failed = await queue('emails', 'failed');
    const revoked = failed.jobs.find((job) => job.id === waiting.id);
    expect(revoked).toMatchObject({ name: 'emails.receipt', failedReason: expect.stringMatching(/was revoked \(revoked\)/) });
    expect(revoked!.stacktrace[0]).toMatch(/^TaskRevokedError: /);
    expect((await queue('emails', 'delayed')).jobs.map((job) => job.id)).not.toContain(waiting.id);
  });

  it('a task waiting for its rate-limit slot is listed as delayed, never started, its attempt budget untouched', async () => {
    const client = app.get(TaskClient);
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const events = new QueueEvents('reports', { connection, prefix });
    const received: string[] = [];
    const off = app.get(SignalBus).connect(taskReceived, ({ taskId }) => void received.push(taskId), { sender: 'reports.export' });
    try {
      await events.waitUntilReady();
      // reports.export takes one start a minute: the first runs, the second waits for the next minute's slot.
      const first = await client.delay('reports.export');
      await first.get({ timeoutMs: 10_000 });
      const parked = new Promise<void>((resolve) => events.on('delayed', ({ jobId }) => jobId === second.id && resolve()));
      const second = await client.delay('reports.export');
      await parked;

      expect(received).toEqual([first.id, second.id]);
      const delayed = await queue('reports', 'delayed');
      const job = delayed.jobs.find((found) => found.id === second.id)!;
      expect(job).toMatchObject({ name: 'reports.export', attempts: 0 });
      expect(job.processedOn ?? undefined).toBeUndefined();
      expect(job.opts.attempts).toBe(1);
      expect((await queue('reports', 'active')).jobs.map((found) => found.id)).not.toContain(second.id);
      expect(await second.state()).toBe(TaskState.PENDING);
    } finally {
      off();
      await events.close();
      connection.disconnect();
    }
  });

  it('a job added by hand with a plain payload fails with InvalidTaskMessageError', async () => {
    const added = await board<{ job: BoardJob }>('queues/billing/add', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'billing.charge', data: { orderId: 'ord_by_hand' }, options: {} }),
    });

    const result = app.get(TaskClient).result(added.job.id);
    const error = (await result.get({ timeoutMs: 10_000 }).catch((thrown: unknown) => thrown)) as TaskFailedError;
    expect(error.name).toBe('InvalidTaskMessageError');
    expect(await result.state()).toBe(TaskState.FAILURE);

    const job = await board<{ job: BoardJob }>(`queues/billing/${added.job.id}`);
    expect(job.job.failedReason).toMatch(/^Rejected a job that is not a valid task message/);
    expect(job.job.stacktrace[0]).toMatch(/^InvalidTaskMessageError: /);
  });
});
