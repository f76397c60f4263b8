import { setTasksLogger, type TasksLogger } from '@tasks/core';
import { Redis } from 'ioredis';
import { BullmqExecutor } from '../../src';
import { tasksKeys } from '../../src/keys';
import { encodeEvent } from '../../src/events/task-event';
import { orderPaid, type OrderPaid } from '../fixtures/cluster-signals';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../support/redis';

const elsewhere = { name: 'billing@elsewhere', hostname: 'elsewhere', pid: 1, id: 'far00001' };

/** The stream entry another process would write for its `n`-th send of order_paid. */
function entry(n: number): string {
  return encodeEvent({ signal: 'order_paid', type: null, sender: 'billing', origin: elsewhere, timestamp: Date.now(), seq: n, payload: { orderId: `o${n}`, n } });
}

describe('The event reader across a dropped connection', () => {
  let prefix: string;
  let redis: Redis;
  let executor: BullmqExecutor | undefined;
  let restore: (() => void) | undefined;

  beforeEach(() => {
    prefix = uniquePrefix('reconnect');
    redis = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    restore?.();
    await executor?.close();
    redis.disconnect();
    await deleteKeys(prefix);
  });

  it('reconnects, resumes after the last event read, and reports the events trimmed meanwhile in one line', async () => {
    const warnings: string[] = [];
    let reported: (line: string) => void = () => undefined;
    const reconnectLine = new Promise<string>((resolve) => (reported = resolve));
    const logger: TasksLogger = {
      log: () => undefined,
      warn: (message) => {
        warnings.push(message);
        if (message.includes('reconnected')) reported(message);
      },
      error: () => undefined,
    };
    const previous = setTasksLogger(logger);
    restore = () => setTasksLogger(previous);

    const heard: number[] = [];
    let waiting: { count: number; resolve: () => void } | undefined;
    const off = orderPaid.connect((event: OrderPaid) => {
      heard.push(event.n);
      if (waiting && heard.length >= waiting.count) waiting.resolve();
    });
    const until = (count: number) => (heard.length >= count ? Promise.resolve() : new Promise<void>((resolve) => (waiting = { count, resolve })));
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    try {
      await redis.xadd(tasksKeys.events(prefix), '*', 'e', entry(1));
      await until(1);

      // This process's reader connection, found by its name: only our own client is killed.
      const clients = (await redis.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string;
      const line = clients.split('\n').find((l) => new RegExp(`name=${prefix}:events:`).test(l));
      const id = /(?:^|\s)id=(\d+)/.exec(line ?? '')?.[1];
      expect(id).toBeDefined();
      // Killed, and 500 events written while it is away in one transaction; the stream keeps only the last 50.
      const transaction = redis.multi().call('CLIENT', 'KILL', 'ID', id!);
      for (let n = 2; n <= 501; n++) transaction.xadd(tasksKeys.events(prefix), 'MAXLEN', '=', 50, '*', 'e', entry(n));
      const results = await transaction.exec();
      expect(results?.[0]).toEqual([null, 1]);

      const reconnect = await reconnectLine;
      expect(reconnect).toMatch(/reconnected after \d+ ms and resumed; 450 event\(s\) missed while away/);
      await until(51);
      expect(heard).toEqual([1, ...Array.from({ length: 50 }, (_, i) => 452 + i)]);
      expect(warnings.filter((w) => w.includes('reconnected'))).toHaveLength(1);

      // And it reads on.
      await redis.xadd(tasksKeys.events(prefix), '*', 'e', entry(502));
      await until(52);
      expect(heard[51]).toBe(502);
    } finally {
      off();
    }
  });
});
