import { setReceiverTimeout, setTasksLogger, TaskRegistry, taskPrerun, workerReady, workerShutdown, workerShuttingDown, type TasksLogger } from '@tasks/core';
import { TaskWorker } from '../../src';
import { deferred, startHarness, type Harness } from '../support/harness';
import { REDIS_URL } from '../support/redis';

const never = () => new Promise<never>(() => undefined);

describe('a receiver that never settles', () => {
  let harness: Harness | undefined;
  const offs: (() => boolean)[] = [];
  const errors: string[] = [];
  let previousLogger: TasksLogger;
  let previousTimeout: number;
  beforeEach(() => {
    previousTimeout = setReceiverTimeout(30_000);
    previousLogger = setTasksLogger({ log: () => undefined, warn: () => undefined, error: (message) => void errors.push(message) });
  });
  afterEach(async () => {
    offs.splice(0).forEach((off) => off());
    await harness?.close();
    harness = undefined;
    setTasksLogger(previousLogger);
    setReceiverTimeout(previousTimeout);
    errors.length = 0;
  });

  it('does not hold its task for ever: the worker serves its other slots, logs the timeout, and the task ends SUCCESS', async () => {
    const registry = new TaskRegistry();
    registry.register(() => 'unstuck', { name: 'deadline.stuck' });
    registry.register((n: number) => n, { name: 'deadline.quick' });
    const prerunStuck = deferred();
    offs.push(
      taskPrerun.connect(
        function hangs() {
          prerunStuck.resolve();
          return never();
        },
        { sender: 'deadline.stuck' },
      ),
    );
    harness = await startHarness(registry, { concurrency: 2, receiverTimeoutMs: 3000 });

    const stuck = await harness.executor.delay('deadline.stuck');
    await prerunStuck.promise;
    // While one slot waits on the receiver, the other keeps working.
    const quick = await Promise.all([1, 2, 3, 4].map((n) => harness!.executor.delay('deadline.quick', n)));
    expect(await Promise.all(quick.map((r) => r.get({ timeoutMs: 10_000 })))).toEqual([1, 2, 3, 4]);
    // Their results came while the stuck one was still held by its receiver.
    expect(errors).toEqual([]);

    expect(await stuck.get({ timeoutMs: 10_000 })).toBe('unstuck');
    expect(errors).toEqual([expect.stringMatching(/^Receiver hangs of signal task_prerun did not settle within 3000 ms/)]);
  });

  it('start() and close() finish whatever worker_ready and the shutdown receivers do, close() within its timeout plus the margin', async () => {
    const registry = new TaskRegistry();
    registry.register(() => 'ok', { name: 'deadline.any' });
    const worker = new TaskWorker({ connection: REDIS_URL, prefix: `deadline-${Date.now()}`, registry, name: 'deadline-w', receiverTimeoutMs: 300, shutdownTimeoutMs: 1000 });
    for (const signal of [workerReady, workerShuttingDown, workerShutdown]) offs.push(signal.connect(never, { sender: 'deadline-w' }));

    await worker.start();
    const started = Date.now();
    await worker.close();

    // shutdownTimeoutMs (1000) plus the documented margin (3000).
    expect(Date.now() - started).toBeLessThan(4000);
    expect(errors.filter((line) => /worker_ready|worker_shutting_down|worker_shutdown/.test(line))).toHaveLength(3);
  });
});
