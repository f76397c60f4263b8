import { TaskRegistry, TaskState, taskPostrun, workerInit, workerReady, workerShutdown, workerShuttingDown } from '@tasks/core';
import { TaskWorker } from '../../src';
import type { WorkDone } from '../fixtures/control-tasks';
import { deferred } from '../support/harness';
import { REDIS_URL } from '../support/redis';
import { SignalCapture } from './support/signal-capture';
import { useProcessTestBed } from './support/process-test-bed';

const TASKS = 200;
const workMs = (i: number) => 50 + ((i * 53) % 151);
/** Long enough to be still running at a 100 ms shutdown deadline. */
const LONG_MS = 800;

describe('graceful shutdown', () => {
  const bed = useProcessTestBed('shutdown');

  // Within the timeout every running task finishes where it is; past it, the long ones go to the other worker.
  const sigtermCases = [
    { label: 'within shutdownTimeoutMs', shutdownTimeoutMs: 10_000, longEvery: 0, how: 'warm' },
    { label: 'past shutdownTimeoutMs', shutdownTimeoutMs: 100, longEvery: 10, how: 'cold' },
  ];

  it.each(sigtermCases)(
    'SIGTERM under load, $label: worker_shutting_down then worker_shutdown, and every started task finishes or moves to the other worker',
    async ({ shutdownTimeoutMs, longEvery, how }) => {
      const a = bed.processes.spawn({ prefix: bed.prefix, name: 'A', shutdownTimeoutMs });
      const b = bed.processes.spawn({ prefix: bed.prefix, name: 'B' });
      await Promise.all([a.waitForSignal('worker_ready'), b.waitForSignal('worker_ready')]);

      const durations = Array.from({ length: TASKS }, (_, i) => (longEvery > 0 && i % longEvery === 0 ? LONG_MS : workMs(i)));
      const results = await Promise.all(durations.map((ms) => bed.executor.delay('control.work', ms)));
      const long = new Set(results.filter((_, i) => durations[i] === LONG_MS).map((result) => result.id));
      // Past the timeout: SIGTERM just as A starts a long task, so it is surely still running at the deadline.
      const trigger = await a.waitFor(
        (m) => a.started().length >= 10 && a.active().length > 0 && (long.size === 0 || (m.kind === 'started' && long.has(m.taskId))),
        'ten started tasks, some still running',
      );
      const activeAtTerm = a.active();
      a.kill('SIGTERM');
      const shutdown = await a.waitForSignal('worker_shutdown');
      expect(await a.exited).toEqual({ code: 0, signal: null });

      expect(a.signals()).toEqual(['worker_init', 'worker_ready', 'worker_shutting_down', 'worker_shutdown']);
      expect(shutdown).toMatchObject({ how, processSignal: 'SIGTERM' });
      const done = (await Promise.all(results.map((result) => result.get({ timeoutMs: 20_000 })))) as WorkDone[];
      const states = await Promise.all(results.map((result) => result.state()));
      expect(states.filter((state) => state === TaskState.SUCCESS)).toHaveLength(TASKS);

      // Every task A started was finished by A during the drain, or run by B.
      const shutdownAt = a.messages.indexOf(shutdown);
      const finishedByA = new Set(a.messages.slice(0, shutdownAt).flatMap((m) => (m.kind === 'finished' ? [m.taskId] : [])));
      const startedByB = new Set(b.started());
      expect(a.started().filter((id) => !finishedByA.has(id) && !startedByB.has(id))).toEqual([]);
      const movedToB = activeAtTerm.filter((id) => !finishedByA.has(id));
      if (how === 'warm') expect(movedToB).toEqual([]);
      else expect(movedToB).toContain(trigger.kind === 'started' ? trigger.taskId : '');
      expect(movedToB.every((id) => done[results.findIndex((result) => result.id === id)]!.worker === 'B')).toBe(true);
    },
    40_000,
  );

  it('fires worker_init and worker_ready on start; close() waits for the running task and takes no new one', async () => {
    const started = deferred();
    const release = deferred();
    const registry = new TaskRegistry();
    registry.register(async () => (started.resolve(), await release.promise, 'done'), { name: 'shutdown.step' });
    registry.register(() => 'quick', { name: 'shutdown.quick' });
    const init = new SignalCapture(workerInit, 'W');
    const ready = new SignalCapture(workerReady, 'W');
    const shuttingDown = new SignalCapture(workerShuttingDown, 'W');
    const shutdown = new SignalCapture(workerShutdown, 'W');
    bed.onCleanup(async () => [init, ready, shuttingDown, shutdown].forEach((capture) => capture.dispose()));
    const worker = new TaskWorker({ connection: REDIS_URL, prefix: bed.prefix, registry, name: 'W', concurrency: 2 });
    bed.onCleanup(() => worker.close());

    await worker.start();
    expect(init.events).toEqual([{ signal: 'worker_init', sender: 'W', queues: ['default'], concurrency: 2 }]);
    expect(ready.events).toEqual([{ signal: 'worker_ready', sender: 'W', queues: ['default'], concurrency: 2 }]);

    const running = await bed.executor.delay('shutdown.step');
    await started.promise;
    const closing = worker.close();
    await shuttingDown.next();
    const late = await bed.executor.delay('shutdown.quick');
    expect(shutdown.events).toEqual([]);
    release.resolve();
    await closing;

    expect(await running.get({ timeoutMs: 5000 })).toBe('done');
    expect(shuttingDown.events).toEqual([{ signal: 'worker_shutting_down', sender: 'W', how: 'warm', processSignal: undefined }]);
    expect(shutdown.events).toEqual([{ signal: 'worker_shutdown', sender: 'W', how: 'warm', processSignal: undefined }]);
    expect(await late.state()).toBe(TaskState.PENDING);
  });

  it('a task still running at shutdownTimeoutMs goes back to its queue, is not marked done, and another worker runs it', async () => {
    const startedInA = deferred();
    const releaseA = deferred();
    const registryA = new TaskRegistry();
    registryA.register(async () => (startedInA.resolve(), await releaseA.promise, 'A'), { name: 'shutdown.slow' });
    const registryB = new TaskRegistry();
    registryB.register(() => 'B', { name: 'shutdown.slow' });
    const shutdownA = new SignalCapture(workerShutdown, 'A');
    const postrunA = new SignalCapture(taskPostrun, 'shutdown.slow');
    bed.onCleanup(async () => (shutdownA.dispose(), postrunA.dispose()));
    const a = new TaskWorker({ connection: REDIS_URL, prefix: bed.prefix, registry: registryA, name: 'A', shutdownTimeoutMs: 200 });
    bed.onCleanup(() => a.close());
    await a.start();

    const result = await bed.executor.delay('shutdown.slow');
    await startedInA.promise;
    const closeStarted = performance.now();
    await a.close();
    expect(performance.now() - closeStarted).toBeGreaterThanOrEqual(190);
    expect(shutdownA.events).toEqual([{ signal: 'worker_shutdown', sender: 'A', how: 'cold', processSignal: undefined }]);
    // Back in the queue at once, not left active until its lock lapses.
    expect(await result.state()).toBe(TaskState.PENDING);

    const b = new TaskWorker({ connection: REDIS_URL, prefix: bed.prefix, registry: registryB, name: 'B' });
    bed.onCleanup(() => b.close());
    await b.start();
    expect(await result.get({ timeoutMs: 5000 })).toBe('B');

    // A's abandoned body ends now: what it returns is not recorded.
    releaseA.resolve();
    await postrunA.next((event) => event.retval === 'A');
    expect(await result.state()).toBe(TaskState.SUCCESS);
    expect(await result.get({ timeoutMs: 1000 })).toBe('B');
  });
});
