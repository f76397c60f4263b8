import { RedisConnectionError, TaskContext, TaskRegistry, TaskRevokedError, TaskState, taskSuccess, type TaskSuccessPayload } from '@tasks/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { BullmqExecutor, TaskWorker } from '../../src';
import { deferred, startHarness, type Harness } from '../support/harness';
import { deleteKeys, uniquePrefix } from '../support/redis';
import { clientsOf, killClientsOf } from './support/redis-clients';
import { SignalCapture } from './support/signal-capture';
import { TcpProxy } from './support/tcp-proxy';

const CONNECT_TIMEOUT_MS = 1500;

function tasks(): TaskRegistry {
  const registry = new TaskRegistry();
  // The sleep is the work the task simulates.
  registry.register(async (ms: number) => (await sleep(ms), ms), { name: 'conn.work' });
  registry.register(
    async () => {
      const context = TaskContext.current();
      hangStarted.resolve();
      await new Promise((_, reject) => context.abortSignal.addEventListener('abort', () => reject(context.abortSignal.reason)));
    },
    { name: 'conn.hang' },
  );
  return registry;
}
let hangStarted = deferred();

describe('connection loss', () => {
  describe('CLIENT KILL of every connection mid-run', () => {
    let harness: Harness;
    let successes: SignalCapture<TaskSuccessPayload>;

    beforeAll(async () => {
      harness = await startHarness(tasks(), { concurrency: 5, lockDurationMs: 2000, stalledIntervalMs: 1000 });
      successes = new SignalCapture(taskSuccess, 'conn.work');
    });
    afterAll(async () => {
      successes.dispose();
      await harness.close();
    });

    it('the worker, the publisher and the result readers reconnect and carry on', async () => {
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => harness.executor.delay('conn.work', 20 + (i % 5) * 10)));
      await successes.count(10);
      // Results are waited for across the kill; the first wait opens the result reader.
      expect(await results[0]!.get({ timeoutMs: 5000 })).toBe(20);
      const waiting = Promise.all(results.map((result) => result.get({ timeoutMs: 15_000 })));
      const before = await clientsOf(harness.prefix);

      const killed = await killClientsOf(harness.prefix);
      expect(killed.length).toBe(before.length);
      // The publisher, the worker, its control channel, BullMQ's blocking reader, the result reader and its event stream.
      expect(killed.length).toBeGreaterThanOrEqual(6);
      const late = await Promise.all(Array.from({ length: 10 }, () => harness.executor.delay('conn.work', 10)));

      expect(await waiting).toHaveLength(60);
      expect(await Promise.all(late.map((result) => result.get({ timeoutMs: 15_000 })))).toEqual(late.map(() => 10));
      const states = await Promise.all([...results, ...late].map((result) => result.state()));
      expect(states.every((state) => state === TaskState.SUCCESS)).toBe(true);
      // Every connection came back (BullMQ's own client names are not restored on reconnect).
      expect((await clientsOf(harness.prefix)).length).toBe(before.length);

      // The control channel resubscribed: a revoke with terminate still reaches the worker.
      hangStarted = deferred();
      const hanging = await harness.executor.delay('conn.hang');
      await hangStarted.promise;
      expect(await hanging.revoke({ terminate: true })).toMatchObject({ revoked: true, terminated: true });
      await expect(hanging.get({ timeoutMs: 5000 })).rejects.toBeInstanceOf(TaskRevokedError);
    }, 30_000);
  });

  describe('Redis unreachable', () => {
    const prefix = uniquePrefix('outage');
    let proxy: TcpProxy;
    let executor: BullmqExecutor;
    let worker: TaskWorker;

    beforeAll(async () => {
      proxy = await TcpProxy.start();
      const options = { prefix, connection: proxy.url, connectTimeoutMs: CONNECT_TIMEOUT_MS };
      executor = await BullmqExecutor.connect(options);
      worker = new TaskWorker({ ...options, registry: tasks(), concurrency: 5 });
      await worker.start();
    });
    afterAll(async () => {
      await proxy.restore().catch(() => undefined);
      await worker.close();
      await executor.close();
      await proxy.close();
      await deleteKeys(prefix);
    });

    it('delay() fails within connectTimeoutMs with RedisConnectionError, queues nothing, and works again once Redis is back', async () => {
      const before = await executor.delay('conn.work', 5);
      expect(await before.get({ timeoutMs: 5000 })).toBe(5);

      await proxy.cut();
      // The first call may find the connection still open; the second surely finds it down.
      for (const taskId of ['during-outage-1', 'during-outage-2']) {
        const startedAt = performance.now();
        const error: unknown = await executor.applyAsync('conn.work', [5], { taskId }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RedisConnectionError);
        expect((error as RedisConnectionError).message).toContain(proxy.url);
        expect(performance.now() - startedAt).toBeLessThan(CONNECT_TIMEOUT_MS + 1000);
      }

      await proxy.restore();
      const after = await executor.delay('conn.work', 5);
      expect(await after.get({ timeoutMs: 10_000 })).toBe(5);
      // The failed calls were not kept to be sent on reconnect.
      expect(await executor.result('during-outage-1').state()).toBe(TaskState.PENDING);
      expect(await executor.result('during-outage-2').state()).toBe(TaskState.PENDING);
    }, 20_000);
  });
});
