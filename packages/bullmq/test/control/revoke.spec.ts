import {
  TaskContext,
  taskFailure,
  TaskRegistry,
  TaskRevokedError,
  taskRevoked,
  TaskState,
  type TaskFailurePayload,
  type TaskRevokedPayload,
} from '@tasks/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { TaskWorker } from '../../src';
import { deferred, startHarness, type Harness } from '../support/harness';
import { REDIS_URL } from '../support/redis';
import { SignalCapture } from './support/signal-capture';

/** A queue no worker of this test consumes, so that what is published there keeps waiting. */
const PARKED = 'parked';

describe('revoke', () => {
  const ran: string[] = [];
  const releaseStubborn = deferred();
  const releaseRunning = deferred();
  const releaseFlaky = deferred();
  let started = deferred<TaskContext>();
  let harness: Harness;
  let revoked: SignalCapture<TaskRevokedPayload>;
  let failures: SignalCapture<TaskFailurePayload>;

  beforeAll(async () => {
    const registry = new TaskRegistry();
    registry.register(() => (ran.push(TaskContext.current().id), 'ran'), { name: 'revoke.record' });
    // Runs until aborted, and stops when it is.
    registry.register(
      async () => {
        const context = TaskContext.current();
        started.resolve(context);
        await new Promise((_, reject) => context.abortSignal.addEventListener('abort', () => reject(context.abortSignal.reason)));
      },
      { name: 'revoke.abortable' },
    );
    // Ignores its abort signal.
    registry.register(async () => (started.resolve(TaskContext.current()), await releaseStubborn.promise, 'late'), { name: 'revoke.stubborn' });
    registry.register(async () => (started.resolve(TaskContext.current()), await releaseRunning.promise, 'finished'), { name: 'revoke.running' });
    // Fails its first attempt once released, so that a retry is due.
    registry.register(
      async () => {
        const context = TaskContext.current();
        ran.push(`${context.id}#${context.retries}`);
        started.resolve(context);
        await releaseFlaky.promise;
        throw new Error('first attempt failed');
      },
      { name: 'revoke.flaky', maxRetries: 2, autoretryFor: [Error], retryBackoff: { type: 'fixed', delayMs: 0 } },
    );
    harness = await startHarness(registry, { timeLimitGraceMs: 100 });
  });
  beforeEach(() => {
    started = deferred<TaskContext>();
    revoked = new SignalCapture(taskRevoked);
    failures = new SignalCapture(taskFailure);
  });
  afterEach(() => {
    revoked.dispose();
    failures.dispose();
  });
  afterAll(async () => {
    releaseStubborn.resolve();
    releaseRunning.resolve();
    releaseFlaky.resolve();
    await harness.close();
  });

  it('removes a waiting task: REVOKED, task_revoked (not terminated), and it never runs', async () => {
    const result = await harness.executor.applyAsync('revoke.record', [], { queue: PARKED });
    expect(await result.state()).toBe(TaskState.PENDING);

    expect(await result.revoke()).toEqual({ taskId: result.id, revoked: true, terminated: false, previousState: TaskState.PENDING });
    expect(revoked.events).toEqual([{ signal: 'task_revoked', sender: 'revoke.record', taskId: result.id, terminated: false, expired: false, reason: 'revoked' }]);
    expect(await result.state()).toBe(TaskState.REVOKED);
    await expect(result.get({ timeoutMs: 1000 })).rejects.toBeInstanceOf(TaskRevokedError);

    // A worker on that queue runs what comes after it, never the revoked task.
    const registry = new TaskRegistry();
    registry.register(() => (ran.push(TaskContext.current().id), 'ran'), { name: 'revoke.record' });
    const parkedWorker = new TaskWorker({ connection: REDIS_URL, prefix: harness.prefix, registry, queues: [PARKED] });
    try {
      await parkedWorker.start();
      const after = await harness.executor.applyAsync('revoke.record', [], { queue: PARKED });
      expect(await after.get({ timeoutMs: 5000 })).toBe('ran');
      expect(ran).toContain(after.id);
      expect(ran).not.toContain(result.id);
    } finally {
      await parkedWorker.close();
    }
  });

  it('removes a delayed task through the client, revoke(id)', async () => {
    const result = await harness.executor.applyAsync('revoke.record', [], { delayMs: 60_000 });
    expect(await result.state()).toBe(TaskState.PENDING);

    expect(await harness.executor.revoke(result.id, { reason: 'not needed' })).toEqual({
      taskId: result.id,
      revoked: true,
      terminated: false,
      previousState: TaskState.PENDING,
    });
    expect(revoked.events).toMatchObject([{ taskId: result.id, terminated: false, expired: false, reason: 'not needed' }]);
    expect(await result.state()).toBe(TaskState.REVOKED);
    await expect(result.get({ timeoutMs: 1000 })).rejects.toBeInstanceOf(TaskRevokedError);
  });

  it('terminates a running task: its abort signal fires, it ends REVOKED, task_revoked says terminated', async () => {
    const result = await harness.executor.delay('revoke.abortable');
    const context = await started.promise;

    expect(await harness.executor.revoke(result.id, { terminate: true })).toEqual({
      taskId: result.id,
      revoked: true,
      terminated: true,
      previousState: TaskState.STARTED,
    });
    await expect(result.get({ timeoutMs: 5000 })).rejects.toBeInstanceOf(TaskRevokedError);
    expect(context.abortSignal.aborted).toBe(true);
    expect(context.abortSignal.reason).toBeInstanceOf(TaskRevokedError);
    expect(await result.state()).toBe(TaskState.REVOKED);
    await revoked.next();
    expect(revoked.events).toEqual([{ signal: 'task_revoked', sender: 'revoke.abortable', taskId: result.id, terminated: true, expired: false, reason: 'revoked' }]);
    expect(failures.events).toEqual([]);
  });

  it('terminates a running task that ignores its abort signal once timeLimitGraceMs has passed', async () => {
    const result = await harness.executor.delay('revoke.stubborn');
    await started.promise;

    expect(await result.revoke({ terminate: true, reason: 'stop now' })).toMatchObject({ revoked: true, terminated: true });
    await expect(result.get({ timeoutMs: 5000 })).rejects.toMatchObject({ name: 'TaskRevokedError', reason: 'stop now' });
    expect(await result.state()).toBe(TaskState.REVOKED);
    await revoked.next();
    expect(revoked.events).toMatchObject([{ taskId: result.id, terminated: true, reason: 'stop now' }]);
  });

  it('without terminate, lets a running task finish', async () => {
    const result = await harness.executor.delay('revoke.running');
    const context = await started.promise;

    expect(await result.revoke()).toEqual({ taskId: result.id, revoked: true, terminated: false, previousState: TaskState.STARTED });
    releaseRunning.resolve();
    expect(await result.get({ timeoutMs: 5000 })).toBe('finished');
    expect(context.abortSignal.aborted).toBe(false);
    expect(revoked.events).toEqual([]);
  });

  it('is a no-op, not an error, for an unknown or finished task', async () => {
    expect(await harness.executor.revoke('no-such-task', { terminate: true })).toEqual({
      taskId: 'no-such-task',
      revoked: false,
      terminated: false,
      previousState: TaskState.PENDING,
    });
    const done = await harness.executor.delay('revoke.record');
    expect(await done.get({ timeoutMs: 5000 })).toBe('ran');
    expect(await done.revoke({ terminate: true })).toEqual({ taskId: done.id, revoked: false, terminated: false, previousState: TaskState.SUCCESS });
    expect(await done.state()).toBe(TaskState.SUCCESS);
    expect(revoked.events).toEqual([]);
  });

  it('without terminate, a running task is not run again: its retry is refused', async () => {
    const result = await harness.executor.delay('revoke.flaky');
    await started.promise;

    expect(await result.revoke()).toMatchObject({ revoked: true, terminated: false, previousState: TaskState.STARTED });
    releaseFlaky.resolve();
    await expect(result.get({ timeoutMs: 5000 })).rejects.toBeInstanceOf(TaskRevokedError);
    expect(ran.filter((entry) => entry.startsWith(result.id))).toEqual([`${result.id}#0`]);
    expect(revoked.events).toMatchObject([{ taskId: result.id, terminated: false, expired: false, reason: 'revoked' }]);
    expect(await result.state()).toBe(TaskState.REVOKED);
  });

  it('a worker started after a revoke knows of it, and refuses the task if it shows up again', async () => {
    const result = await harness.executor.applyAsync('revoke.record', ['first'], { queue: PARKED });
    await result.revoke();
    // The revoked job is kept as failed; once retention removed it, the same id may be
    // written again, as a duplicate delivery would be.
    const kept = new Queue(PARKED, { connection: new Redis(REDIS_URL), prefix: harness.prefix });
    try {
      expect(await kept.getJobState(result.id)).toBe('failed');
      await kept.remove(result.id);
    } finally {
      await kept.close();
      await kept.disconnect();
    }
    const again = await harness.executor.applyAsync('revoke.record', ['again'], { queue: PARKED, taskId: result.id });
    expect(await again.state()).toBe(TaskState.PENDING);

    const registry = new TaskRegistry();
    registry.register(() => (ran.push(TaskContext.current().id), 'ran'), { name: 'revoke.record' });
    const lateWorker = new TaskWorker({ connection: REDIS_URL, prefix: harness.prefix, registry, queues: [PARKED] });
    try {
      await lateWorker.start();
      await expect(again.get({ timeoutMs: 5000 })).rejects.toBeInstanceOf(TaskRevokedError);
      expect(ran).not.toContain(result.id);
    } finally {
      await lateWorker.close();
    }
  });
});
