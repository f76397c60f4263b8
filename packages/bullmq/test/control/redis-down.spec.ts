import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { RedisConnectionError, TaskRegistry } from '@tasks/core';
import { BullmqExecutor, TaskEvents, TaskWorker } from '../../src';
import { CLOSE_STEP_MS } from '../../src/utils/settles-within';
import { captureLogs } from '../support/log-capture';
import { startOwnRedis, type OwnRedis } from '../support/own-redis';

const CONNECT_TIMEOUT_MS = 2000;
const CLOSE_WHILE_DOWN = resolve(__dirname, '../fixtures/close-while-down.ts');
/** A process with nothing left to do exits at once; this leaves room for a loaded machine. */
const EXIT_WITHIN_MS = 1000;
/** The child's connectTimeoutMs (1 s) bounds its close with Redis down; this leaves room for a loaded machine. */
const CLOSE_WITHIN_MS = 3000;

function message(child: ChildProcess, expected: string): Promise<void> {
  return new Promise((done, fail) => {
    const onMessage = (got: unknown) => got === expected && (child.off('exit', onExit), done());
    const onExit = (code: number | null) => fail(new Error(`the child exited (${code}) before saying ${expected}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

describe('Redis down or refusing us', () => {
  let redis: OwnRedis | undefined;
  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });

  it('close() with nothing running and Redis down finishes within connectTimeoutMs and logs the outage at most once, without stacks', async () => {
    redis = await startOwnRedis();
    const registry = new TaskRegistry();
    registry.register(() => 'ok', { name: 'down.task' });
    const options = { connection: redis.url, prefix: 'down', connectTimeoutMs: CONNECT_TIMEOUT_MS };
    const executor = await BullmqExecutor.connect({ ...options, registry });
    const worker = new TaskWorker({ ...options, registry, shutdownTimeoutMs: 30_000 });
    await worker.start();
    expect(await (await executor.delay('down.task')).get({ timeoutMs: 5000 })).toBe('ok');

    const logs = captureLogs();
    try {
      await redis.stop();
      const started = Date.now();
      await worker.close();
      await executor.close();
      const tookMs = Date.now() - started;

      expect(tookMs).toBeLessThan(CONNECT_TIMEOUT_MS);
      // At most one line about the outage (none when the close beat the first reconnect), never a stack.
      expect(logs.lines.filter((line) => /Redis/.test(line.message)).length).toBeLessThanOrEqual(1);
      expect(logs.lines.filter((line) => line.stack !== undefined)).toEqual([]);
    } finally {
      logs.restore();
    }
  });

  it('close() with nothing running and Redis paused finishes within connectTimeoutMs plus the close margin', async () => {
    redis = await startOwnRedis();
    const registry = new TaskRegistry();
    registry.register(() => 'ok', { name: 'paused.task' });
    const options = { connection: redis.url, prefix: 'paused', connectTimeoutMs: CONNECT_TIMEOUT_MS };
    const executor = await BullmqExecutor.connect({ ...options, registry });
    const worker = new TaskWorker({ ...options, registry, shutdownTimeoutMs: 30_000 });
    await worker.start();
    expect(await (await executor.delay('paused.task')).get({ timeoutMs: 5000 })).toBe('ok');
    const logs = captureLogs();
    try {
      await redis.pause(20_000, 'ALL');
      const started = Date.now();
      await worker.close();
      await executor.close();
      // Up to connectTimeoutMs waiting on Redis, then each forced step of closing (DRAIN_MARGIN_MS).
      expect(Date.now() - started).toBeLessThan(CONNECT_TIMEOUT_MS + 3000);
    } finally {
      logs.restore();
    }
  });

  it('TaskEvents.close() with Redis paused finishes in two bounded steps, leaving its listener entry to expire', async () => {
    redis = await startOwnRedis();
    const events = await TaskEvents.open({ connection: redis.url, prefix: 'paused-events', connectTimeoutMs: CONNECT_TIMEOUT_MS });
    await redis.pause(20_000, 'ALL');
    const started = Date.now();
    // It used to wait for the pause to end, to withdraw its listener entry. Now that step, and
    // the QUIT of the connections it opened, each give up after CLOSE_STEP_MS.
    await events.close();
    expect(Date.now() - started).toBeLessThan(2 * CLOSE_STEP_MS + 1000);
  });

  it.each([
    ['', []],
    [', after waiting on a result', ['waited']],
    [', with an event reader', ['events']],
  ])('a process that closes its executor and worker while Redis is down closes at once and exits soon after%s: nothing is left holding it', async (_case, args) => {
    redis = await startOwnRedis();
    const child = fork(CLOSE_WHILE_DOWN, [redis.url, ...args], { execArgv: ['-r', require.resolve('esbuild-register')], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const exitedAt = new Promise<number>((done) => child.once('exit', () => done(Date.now())));
    try {
      await message(child, 'ready');
      await redis.stop();
      const closed = message(child, 'closed');
      const askedAt = Date.now();
      child.send('close');
      // An event reader's close waited for ever on a read ioredis neither sent nor failed.
      const closeLimit = new Promise<void>((_, fail) => setTimeout(() => fail(new Error(`not closed within ${CLOSE_WITHIN_MS} ms`)), CLOSE_WITHIN_MS).unref());
      await Promise.race([closed, closeLimit]);
      const closedAt = Date.now();
      expect(closedAt - askedAt).toBeLessThan(CLOSE_WITHIN_MS);
      // Left alone, BullMQ's close waited for ever on a connection ioredis never ended, and
      // ioredis held each dead socket for its disconnectTimeout (2 s unless set). A result
      // reader's connection is BullMQ's own copy, whose last read was timed for 11 s.
      const limit = new Promise<number>((done) => setTimeout(() => done(Number.POSITIVE_INFINITY), EXIT_WITHIN_MS).unref());
      expect((await Promise.race([exitedAt, limit])) - closedAt).toBeLessThan(EXIT_WITHIN_MS);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a wrong password fails at once with RedisConnectionError carrying the server reason, the password masked', async () => {
    redis = await startOwnRedis({ password: 'right-secret' });
    const target = `redis://default:wrong-secret@127.0.0.1:${redis.port}`;
    const started = Date.now();
    const error = await BullmqExecutor.connect({ connection: target, connectTimeoutMs: 10_000 }).catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect((error as Error).message).toMatch(/WRONGPASS|invalid username-password/);
    expect((error as Error).message).not.toMatch(/wrong-secret/);
    expect((error as Error).message).toMatch(/default:\*\*\*@/);
    expect(((error as Error).cause as Error).message).toMatch(/WRONGPASS|invalid username-password/);
  });

  it('many delay() calls during an outage fail with RedisConnectionError, no listener warning, none claiming a wait it did not make', async () => {
    redis = await startOwnRedis();
    const executor = await BullmqExecutor.connect({ connection: redis.url, prefix: 'outage', connectTimeoutMs: 1000 });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning);
    process.on('warning', onWarning);
    const logs = captureLogs();
    try {
      await redis.stop();
      const started = Date.now();
      const results = await Promise.allSettled(Array.from({ length: 25 }, () => executor.delay('outage.task')));
      const tookMs = Date.now() - started;
      expect(results.every((r) => r.status === 'rejected' && r.reason instanceof RedisConnectionError)).toBe(true);
      // A message that names a wait names one that happened.
      for (const result of results) {
        const claimed = /within (\d+)ms/.exec((result as PromiseRejectedResult).reason.message)?.[1];
        if (claimed !== undefined) expect(tookMs).toBeGreaterThanOrEqual(Number(claimed) - 5);
      }
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      logs.restore();
      await executor.close();
    }
  });
});
