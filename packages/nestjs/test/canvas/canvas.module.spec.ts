import type { TestingModule } from '@nestjs/testing';
import { ChordError, type GroupResult } from '@tasks/core';
import { TaskClient, TasksModule, type TasksModuleOptions } from '@tasks/nestjs';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ShopTasks } from '../fixtures/shop.tasks';
import { startApp } from '../support/start-app';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const WAIT = { timeoutMs: 15_000 };

/** The order flow of the docs through TaskClient: typed refs, s()/si(), chain, group, chord. */
describe.each<['eager' | 'redis', TasksModuleOptions]>([
  ['eager', { eager: true }],
  ['redis', { connection: REDIS_URL }],
])('TaskClient canvas (%s)', (_mode, options) => {
  let app: TestingModule;
  let tasks: TaskClient;
  let shop: ShopTasks;
  const prefix = `test-canvas-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    app = await startApp({ imports: [TasksModule.forRoot({ prefix, ...options })], providers: [ShopTasks] });
    tasks = app.get(TaskClient);
    shop = app.get(ShopTasks);
  });
  afterAll(async () => {
    await app.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  beforeEach(() => (shop.seen.length = 0));

  it('runs charge -> group(receipt, reservation) -> fulfil, with root, parent and group ids', async () => {
    const charge = tasks.ref(ShopTasks, 'charge');
    const receipt = tasks.ref(ShopTasks, 'receipt');
    const reserve = tasks.ref(ShopTasks, 'reserve');
    const fulfil = tasks.ref(ShopTasks, 'fulfil');
    const result = await tasks.chain(charge.s('o1', 21), tasks.group([receipt.s('email'), reserve.s()]), fulfil.s()).delay();
    await expect(result.get(WAIT)).resolves.toBe('email:o1/42');
    const header = result.parent as GroupResult<[string, number]>;
    await expect(header.get(WAIT)).resolves.toEqual(['email:o1', 42]);

    const [first, ...rest] = shop.seen;
    expect(first).toMatchObject({ task: 'shop.charge', parentId: undefined, groupId: undefined });
    expect(rest.every((seen) => seen.rootId === first!.rootId)).toBe(true);
    const members = rest.filter((seen) => seen.task !== 'shop.fulfil');
    expect(members.map((seen) => seen.groupId)).toEqual([header.id, header.id]);
  });

  it('runs a typed chord and an immutable step, and fails a chord with ChordError', async () => {
    const price = tasks.ref(ShopTasks, 'price');
    const total = tasks.ref(ShopTasks, 'total');
    const audit = tasks.ref(ShopTasks, 'audit');
    const sum = await tasks.chord([price.s(1), price.s(2), price.s(3)], total.s()).delay();
    await expect(sum.get(WAIT)).resolves.toBe(60);
    const immutable = await tasks.chain(price.s(1), audit.si('kept')).delay();
    await expect(immutable.get(WAIT)).resolves.toBe('kept');

    const charge = tasks.ref(ShopTasks, 'charge');
    const failing = await tasks.chord([charge.s('o2', -1)], tasks.signature('shop.fulfil')).delay();
    await expect(failing.get(WAIT)).rejects.toBeInstanceOf(ChordError);
  });

  it('publishes a link with the result', async () => {
    const linked = tasks.ref(ShopTasks, 'reserve').s().set({ taskId: `reserve-${randomUUID()}` });
    await tasks.ref(ShopTasks, 'charge').applyAsync(['o3', 4], { link: linked });
    await expect(tasks.result(linked.options.taskId!).get(WAIT)).resolves.toBe(8);
  });
});
