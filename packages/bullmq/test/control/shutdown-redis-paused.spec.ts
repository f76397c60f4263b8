import { TaskContext, TaskRegistry, TaskState, taskPostrun, workerShutdown, workerShuttingDown, type AsyncResult } from '@tasks/core';
import { Redis } from 'ioredis';
import { BullmqExecutor, TaskWorker, type TaskWorkerOptions } from '../../src';
import { DRAIN_MARGIN_MS } from '../../src/worker/drain-deadline';
import { runsKey } from '../fixtures/control-tasks';
import { deferred } from '../support/harness';
import { captureLogs } from '../support/log-capture';
import { startOwnRedis, type OwnRedis } from '../support/own-redis';
import { SignalCapture } from './support/signal-capture';
import { TcpProxy } from './support/tcp-proxy';

const TASKS = 20;
const SHUTDOWN_TIMEOUT_MS = 2000;
const TASK = 'stall.work';

/**
 * SIGTERM (a `close()` with `processSignal: 'SIGTERM'`) while Redis stalls, on a Redis of the
 * test's own (a pause would stall every other test). Worker A runs 20 tasks whose bodies wait
 * for a gate; each body counts its run in Redis before it waits, so a body that runs again is seen.
 */
describe('SIGTERM while Redis stalls: a task whose body finished does not run again', () => {
  let redis: OwnRedis;
  let counter: Redis;
  let executor: BullmqExecutor;
  let logs: ReturnType<typeof captureLogs>;
  const closers: (() => Promise<unknown>)[] = [];
  const prefix = 'stall';

  beforeEach(async () => {
    redis = await startOwnRedis();
    counter = new Redis(redis.url);
    executor = await BullmqExecutor.connect({ connection: redis.url, prefix });
    logs = captureLogs();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    logs.restore();
    await executor.close();
    counter.disconnect();
    await redis.stop();
  });

  /** `stall.work`: counts its run, then waits for `gate`; returns the worker's name. */
  function registry(worker: string, gate: Promise<void>, onStart: () => void = () => undefined): TaskRegistry {
    const tasks = new TaskRegistry();
    tasks.register(
      async () => {
        await counter.hincrby(runsKey(prefix), TaskContext.current().id, 1);
        onStart();
        await gate;
        return worker;
      },
      { name: TASK },
    );
    return tasks;
  }

  function worker(name: string, tasks: TaskRegistry, options: Partial<TaskWorkerOptions> = {}): TaskWorker {
    const created = new TaskWorker({ connection: redis.url, prefix, registry: tasks, name, concurrency: TASKS, lockDurationMs: 4000, stalledIntervalMs: 1000, ...options });
    closers.push(() => created.close());
    return created;
  }

  /** Worker A, started, with its 20 tasks running (each counted once) and held until `release`. */
  async function twentyRunning(options: Partial<TaskWorkerOptions> = {}): Promise<{ a: TaskWorker; results: AsyncResult[]; release: () => void }> {
    const gate = deferred();
    const allStarted = deferred();
    let started = 0;
    const a = worker('A', registry('A', gate.promise, () => ++started === TASKS && allStarted.resolve()), { shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS, ...options });
    await a.start();
    const results = await Promise.all(Array.from({ length: TASKS }, () => executor.delay(TASK)));
    await allStarted.promise;
    return { a, results, release: () => gate.resolve() };
  }

  /** Starts worker B once Redis takes writes again, waits for every task's outcome, and counts the body runs per task. */
  async function afterRecovery(results: AsyncResult[]): Promise<{ ranBy: unknown[]; runs: number[] }> {
    await redis.writable();
    await worker('B', registry('B', Promise.resolve())).start();
    const ranBy = await Promise.all(results.map((result) => result.get({ timeoutMs: 20_000 })));
    expect(await Promise.all(results.map((result) => result.state()))).toEqual(results.map(() => TaskState.SUCCESS));
    const counts = await counter.hgetall(runsKey(prefix));
    return { ranBy, runs: results.map((result) => Number(counts[result.id])) };
  }

  /** Closes A as SIGTERM would, releasing the bodies once the drain began; resolves with how long close() took and how it ended. */
  async function sigterm(a: TaskWorker, release: () => void): Promise<{ closeMs: number; how: string | undefined }> {
    const shuttingDown = new SignalCapture(workerShuttingDown, 'A');
    const shutdown = new SignalCapture(workerShutdown, 'A');
    try {
      const started = performance.now();
      const closing = a.close({ processSignal: 'SIGTERM' });
      await shuttingDown.next();
      release();
      await closing;
      return { closeMs: performance.now() - started, how: (await shutdown.next()).how };
    } finally {
      shuttingDown.dispose();
      shutdown.dispose();
    }
  }

  it('CLIENT PAUSE WRITE shorter than shutdownTimeoutMs: close() waits for the outcomes, and no finished task runs again', async () => {
    const { a, results, release } = await twentyRunning();
    await redis.pause(1000, 'WRITE');
    // The bodies end while Redis takes no write: every outcome waits for the pause to end.
    const { closeMs, how } = await sigterm(a, release);

    expect(closeMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + DRAIN_MARGIN_MS);
    expect(how).toBe('warm');
    const { ranBy, runs } = await afterRecovery(results);
    expect(ranBy).toEqual(results.map(() => 'A'));
    expect(runs).toEqual(results.map(() => 1));
  }, 30_000);

  it('Redis unreachable when SIGTERM comes, after the bodies finished: the outcomes are written once it is back, within the deadline', async () => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: redis.port });
    closers.push(() => proxy.close());
    const { a, results, release } = await twentyRunning({ connection: proxy.url, shutdownTimeoutMs: 10_000 });
    const postrun = new SignalCapture(taskPostrun, TASK);
    closers.push(async () => postrun.dispose());
    await proxy.cut();
    release();
    await postrun.count(TASKS);
    // Every body ended and Redis is away: a drain that gave up on the outcomes now would make all 20 run again.
    const shutdown = new SignalCapture(workerShutdown, 'A');
    closers.push(async () => shutdown.dispose());
    const closing = a.close({ processSignal: 'SIGTERM' });
    await proxy.restore();
    await closing;

    expect((await shutdown.next()).how).toBe('warm');
    const { ranBy, runs } = await afterRecovery(results);
    expect(ranBy).toEqual(results.map(() => 'A'));
    expect(runs).toEqual(results.map(() => 1));
  }, 30_000);

  it('a pause that outlasts the deadline: close() still ends in time, says how many outcomes Redis did not take, and those tasks run again (at-least-once)', async () => {
    const { a, results, release } = await twentyRunning();
    // Longer than the timeout plus every step of closing: A's connections are closed while their writes wait.
    await redis.pause(SHUTDOWN_TIMEOUT_MS + DRAIN_MARGIN_MS + 1000, 'WRITE');
    const { closeMs, how } = await sigterm(a, release);

    expect(closeMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + DRAIN_MARGIN_MS);
    expect(how).toBe('cold');
    expect(logs.lines.filter((line) => line.level === 'warn' && /did not take the outcome of 20 finished task\(s\)/.test(line.message))).toHaveLength(1);
    // None is lost: each ran once more, in B, and succeeded there.
    const { ranBy, runs } = await afterRecovery(results);
    expect(ranBy).toEqual(results.map(() => 'B'));
    expect(runs).toEqual(results.map(() => 2));
  }, 40_000);
});
