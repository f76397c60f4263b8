import {
  builtinSignals,
  InvalidScheduleError,
  TaskContext,
  TaskRegistry,
  TaskRevokedError,
  taskFailure,
  taskPostrun,
  taskRevoked,
  TaskState,
  UnknownScheduleError,
  type ScheduleInterval,
  type TaskHeaders,
  type TaskRevokedPayload,
} from '@tasks/core';
import { Queue } from 'bullmq';
import { BullmqExecutor, TaskWorker } from '../../src';
import { deferred } from '../support/harness';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../support/redis';

class Flaky extends Error {
  override name = 'Flaky';
}

/** Every built-in signal sent for `taskName`, in one list, with the headers they carried. */
function recordSignals(taskName: string): { names: string[]; headers: TaskHeaders[]; off: () => void } {
  const names: string[] = [];
  const headers: TaskHeaders[] = [];
  const offs = Object.values(builtinSignals).map((signal) =>
    signal.connect(
      (event: object) => {
        const state = (event as { state?: string }).state;
        names.push(state ? `${signal.name}(${state})` : signal.name);
        const carried = (event as { headers?: TaskHeaders }).headers;
        if (carried) headers.push(carried);
      },
      { sender: taskName },
    ),
  );
  return { names, headers, off: () => offs.forEach((off) => off()) };
}

describe('schedule ticks', () => {
  let prefix: string;
  let registry: TaskRegistry;
  let executor: BullmqExecutor;
  let worker: TaskWorker | undefined;
  const seen: TaskHeaders[] = [];
  /** `hold.tick` runs until the test releases it, so a test can look at its schedule while a tick runs. */
  let holding = deferred<string>();
  let release = deferred();

  beforeEach(async () => {
    prefix = uniquePrefix('ticks');
    seen.length = 0;
    registry = new TaskRegistry();
    registry.register(
      () => {
        seen.push(TaskContext.current().headers);
        throw new Flaky('not today');
      },
      { name: 'flaky.tick', maxRetries: 1, autoretryFor: [Flaky], retryBackoff: { type: 'fixed', delayMs: 5 } },
    );
    registry.register((n: number) => n * 2, { name: 'double.tick', queue: 'math' });
    registry.register(() => 'tock', { name: 'clock.wait', queue: 'clock' });
    holding = deferred<string>();
    release = deferred();
    registry.register(
      async () => {
        holding.resolve(String(TaskContext.current().headers.scheduledFor));
        await release.promise;
      },
      { name: 'hold.tick', queue: 'hold' },
    );
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry });
    worker = undefined;
  });

  afterEach(async () => {
    await worker?.close();
    await executor.close();
    await deleteKeys(prefix);
  });

  async function startWorker(): Promise<void> {
    worker = new TaskWorker({ connection: REDIS_URL, prefix, registry, queues: ['default', 'math'] });
    await worker.start();
  }

  it('runs a tick as an ordinary task: publish notices, retries and a final task_failure, with scheduleId and scheduledFor', async () => {
    const signals = recordSignals('flaky.tick');
    const failed = deferred<string>();
    // task_postrun is the last signal of an attempt.
    const off = taskPostrun.connect(({ taskId, state }) => state === TaskState.FAILURE && failed.resolve(taskId), { sender: 'flaky.tick' });
    try {
      await startWorker();
      await executor.schedules.upsert('flaky', { task: 'flaky.tick', every: '1h' });
      const taskId = await failed.promise;

      const match = /^repeat:flaky:(\d+)$/.exec(taskId);
      expect(match).not.toBeNull();
      const scheduledFor = new Date(Number(match![1])).toISOString();
      expect(signals.names).toEqual([
        'before_task_publish',
        'after_task_publish',
        'task_received',
        'task_prerun',
        // The retry re-publishes, as every retry does.
        'before_task_publish',
        'after_task_publish',
        'task_retry',
        'task_postrun(RETRY)',
        'task_received',
        'task_prerun',
        'task_failure',
        'task_postrun(FAILURE)',
      ]);
      expect(seen).toEqual([
        { scheduleId: 'flaky', scheduledFor },
        { scheduleId: 'flaky', scheduledFor },
      ]);
      expect(signals.headers.every((headers) => headers.scheduleId === 'flaky' && headers.scheduledFor === scheduledFor)).toBe(true);
      // The outcome is stored once the attempt ended, just after task_postrun.
      await expect(executor.result(taskId).get({ timeoutMs: 10_000 })).rejects.toMatchObject({ name: 'Flaky', message: 'not today' });
      expect(await executor.result(taskId).state()).toBe(TaskState.FAILURE);
      const listed = await executor.schedules.get('flaky');
      expect(listed?.last?.toISOString()).toBe(scheduledFor);
      expect(listed?.next?.getTime()).toBe(Number(match![1]) + 3_600_000);
    } finally {
      off();
      signals.off();
    }
  });

  it('keeps the headers of a tick whatever before_task_publish receivers do to their copy', async () => {
    const off = builtinSignals.before_task_publish.connect(
      ({ headers }) => {
        headers.scheduleId = 'changed';
      },
      { sender: 'flaky.tick' },
    );
    const failed = deferred();
    const offFailure = taskFailure.connect(() => failed.resolve(), { sender: 'flaky.tick' });
    try {
      await startWorker();
      await executor.schedules.upsert('flaky', { task: 'flaky.tick', every: '1h' });
      await failed.promise;
      expect(seen.map((headers) => headers.scheduleId)).toEqual(['flaky', 'flaky']);
    } finally {
      off();
      offFailure();
    }
  });

  it('revokes as expired a tick not started within its expiresMs', async () => {
    // The first tick of an interval is due when the schedule is created; the worker starts later.
    await executor.schedules.upsert('late', { task: 'double.tick', every: '1h', args: [2], options: { expiresMs: 1 } });
    const revoked = deferred<TaskRevokedPayload & { signal: string; sender: string }>();
    const off = taskRevoked.connect((event) => revoked.resolve(event), { sender: 'double.tick' });
    try {
      await startWorker();
      const event = await revoked.promise;
      expect(event).toMatchObject({ expired: true, reason: 'expired' });
      await expect(executor.result(event.taskId).get({ timeoutMs: 10_000 })).rejects.toThrow(TaskRevokedError);
      expect(await executor.result(event.taskId).state()).toBe(TaskState.REVOKED);
    } finally {
      off();
    }
  });

  it('revokes a pending tick without stopping its schedule: a worker refuses it, and the next tick runs', async () => {
    await executor.schedules.upsert('revoked', { task: 'double.tick', every: '1s', args: [3] });
    const pending = (await executor.schedules.get('revoked'))!.next!;
    const tickId = `repeat:revoked:${pending.getTime()}`;
    expect(await executor.revoke(tickId)).toMatchObject({ revoked: true, previousState: TaskState.PENDING });

    const revoked = deferred<string>();
    const ran = deferred<string>();
    const offs = [
      taskRevoked.connect(({ taskId }) => revoked.resolve(taskId), { sender: 'double.tick' }),
      builtinSignals.task_success.connect(({ taskId }) => ran.resolve(taskId), { sender: 'double.tick' }),
    ];
    try {
      await startWorker();
      expect(await revoked.promise).toBe(tickId);
      const next = await ran.promise;
      expect(next).toMatch(/^repeat:revoked:\d+$/);
      expect(Number(next.split(':').pop())).toBeGreaterThan(pending.getTime());
      await expect(executor.result(tickId).get({ timeoutMs: 10_000 })).rejects.toThrow(TaskRevokedError);
    } finally {
      offs.forEach((off) => off());
    }
  });

  it('publishes ticks to the queue and with the priority of the schedule options', async () => {
    await executor.schedules.upsert('prio', { task: 'flaky.tick', every: '1h', options: { queue: 'math', priority: 7 } });
    const info = await executor.schedules.get('prio');
    expect(info).toMatchObject({ queue: 'math', options: { queue: 'math', priority: 7 } });
    const queue = new Queue('math', { connection: { url: REDIS_URL }, prefix });
    try {
      const job = await queue.getJob(`repeat:prio:${info!.next!.getTime()}`);
      expect(job?.opts.priority).toBe(7);
      expect(job?.name).toBe('flaky.tick');
    } finally {
      await queue.close();
    }
  });

  it('stops after limit ticks, and then lists no next run', async () => {
    const ran: string[] = [];
    const done = deferred();
    const off = taskPostrun.connect(
      ({ taskId }) => {
        ran.push(taskId);
        if (ran.length === 2) done.resolve();
      },
      { sender: 'double.tick' },
    );
    try {
      await startWorker();
      await executor.schedules.upsert('twice', { task: 'double.tick', every: '100ms', args: [1], limit: 2 });
      await done.promise;
      await executor.result(ran[1]!).get({ timeoutMs: 10_000 });
      const info = await executor.schedules.get('twice');
      expect(info).toMatchObject({ limit: 2, next: undefined });
      expect(info?.last?.getTime()).toBe(Number(ran[1]!.split(':').pop()));
    } finally {
      off();
    }
  });

  describe('while a tick runs', () => {
    async function holdFirstTick(spec: { every: ScheduleInterval; limit?: number }): Promise<{ info: Awaited<ReturnType<BullmqExecutor['schedules']['get']>>; scheduledFor: number }> {
      worker = new TaskWorker({ connection: REDIS_URL, prefix, registry, queues: ['hold'] });
      await worker.start();
      await executor.schedules.upsert('held', { task: 'hold.tick', ...spec });
      const scheduledFor = Date.parse(await holding.promise);
      try {
        return { info: await executor.schedules.get('held'), scheduledFor };
      } finally {
        release.resolve();
      }
    }

    it('gives as next run the tick after the running one', async () => {
      const { info, scheduledFor } = await holdFirstTick({ every: '1h' });
      expect(info?.next?.getTime()).toBe(scheduledFor + 3_600_000);
      expect((await executor.schedules.list()).find(({ id }) => id === 'held')?.next?.getTime()).toBe(scheduledFor + 3_600_000);
    });

    it('gives no next run when the running tick is the last its limit allows', async () => {
      const { info } = await holdFirstTick({ every: '1h', limit: 1 });
      expect(info).toMatchObject({ limit: 1, next: undefined });
    });
  });

  it('runs one late tick after every worker was down, then goes on from the present: missed ticks are skipped', async () => {
    const clock = new TaskWorker({ connection: REDIS_URL, prefix, registry, queues: ['clock'] });
    await clock.start();
    const due: number[] = [];
    const threeTicks = deferred();
    const off = builtinSignals.task_prerun.connect(
      ({ context }) => {
        due.push(Date.parse(String(context.headers.scheduledFor)));
        if (due.length === 3) threeTicks.resolve();
      },
      { sender: 'double.tick' },
    );
    try {
      const created = Date.now();
      await executor.schedules.upsert('missed', { task: 'double.tick', every: '100ms', args: [1] });
      // No worker takes 'math' while a delayed task on another queue comes due: over 550 ms, five ticks' worth.
      await executor.applyAsync('clock.wait', [], { delayMs: 550 }).then((result) => result.get({ timeoutMs: 10_000 }));
      const back = Date.now();
      await startWorker();
      await threeTicks.promise;

      expect(due[0]).toBeLessThan(created + 100); // the tick pending when the workers went away, run late
      expect(due[1]).toBeGreaterThan(back - 100); // then the next slot after the present
      expect(due[1]! - due[0]!).toBeGreaterThanOrEqual(500);
      // On the interval's grid (one slot later, unless a busy machine took the tick after the next slot).
      expect(due[2]! - due[1]!).toBeGreaterThanOrEqual(100);
      expect((due[2]! - due[1]!) % 100).toBe(0);
    } finally {
      off();
      await clock.close();
    }
  });

  it('runNow publishes one tick at once with the schedule headers; the schedule keeps its timing', async () => {
    await startWorker();
    await executor.schedules.upsert('double', { task: 'double.tick', cron: '0 3 * * *', tz: 'Europe/Paris', args: [21] });
    const before = await executor.schedules.get('double');
    const context = deferred<TaskHeaders>();
    const off = builtinSignals.task_prerun.connect(({ context: ctx }) => context.resolve(ctx.headers), { sender: 'double.tick' });
    try {
      const result = await executor.schedules.runNow('double');
      expect(await result.get({ timeoutMs: 10_000 })).toBe(42);
      const headers = await context.promise;
      expect(headers.scheduleId).toBe('double');
      const after = await executor.schedules.get('double');
      expect(after?.last?.toISOString()).toBe(headers.scheduledFor);
      expect(after?.next).toEqual(before?.next);
      await expect(executor.schedules.runNow('nope')).rejects.toThrow(UnknownScheduleError);
    } finally {
      off();
    }
  });

  it('lists, gets and removes schedules with their source, next and last run', async () => {
    const created = await executor.schedules.upsert('b-digest', { task: 'double.tick', every: '1d', args: [42] });
    expect(created).toMatchObject({ id: 'b-digest', task: 'double.tick', every: 86_400_000, args: [42], source: 'runtime', queue: 'math', last: undefined });
    expect(created.next).toBeInstanceOf(Date);
    await executor.schedules.reconcile({ registry, schedules: { 'a-cleanup': { task: 'double.tick', cron: '0 2 * * *', args: [7] } } });
    const list = await executor.schedules.list();
    expect(list.map(({ id, source }) => [id, source])).toEqual([
      ['a-cleanup', 'config'],
      ['b-digest', 'runtime'],
    ]);
    expect(list[0]!.next!.getTime()).toBeGreaterThan(Date.now());

    await expect(executor.schedules.upsert('a-cleanup', { task: 'double.tick', every: '1m' })).rejects.toThrow(InvalidScheduleError);
    await expect(executor.schedules.upsert('bad', { task: 'double.tick', every: 0 })).rejects.toThrow(/Schedule 'bad' \(schedules\.upsert\(\)\): every must be/);
    expect(await executor.schedules.get('bad')).toBeUndefined();

    expect(await executor.schedules.remove('b-digest')).toBe(true);
    expect(await executor.schedules.remove('b-digest')).toBe(false);
    expect(await executor.schedules.get('b-digest')).toBeUndefined();
    const queue = new Queue('math', { connection: { url: REDIS_URL }, prefix });
    try {
      expect((await queue.getJobSchedulers()).map((scheduler) => scheduler.key)).toEqual(['a-cleanup']);
      expect(await queue.getDelayedCount()).toBe(1);
    } finally {
      await queue.close();
    }
  });

  it('reconciles once when two processes boot together: the second finds the schedules up to date', async () => {
    const other = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry });
    try {
      const schedules = { nightly: { task: 'double.tick', cron: '0 2 * * *', args: [1] }, often: { task: 'double.tick', every: '1m' as const, args: [2] } };
      const outcomes = await Promise.all([executor.schedules.reconcile({ registry, schedules }), other.schedules.reconcile({ registry, schedules })]);
      const created = outcomes.map((outcome) => outcome.created.sort());
      expect(created).toContainEqual(['nightly', 'often']);
      expect(created).toContainEqual([]);
      expect(outcomes.flatMap((outcome) => outcome.updated)).toEqual([]);
      const again = await other.schedules.reconcile({ registry, schedules });
      expect(again).toEqual({ created: [], updated: [], deleted: [], unchanged: ['nightly', 'often'] });
    } finally {
      await other.close();
    }
  });

  it('deletes at reconciliation only the code and config schedules of tasks this process registers', async () => {
    await executor.schedules.reconcile({
      registry,
      schedules: { mine: { task: 'double.tick', every: '1m' }, theirs: { task: 'elsewhere.task', every: '1m', options: { queue: 'other' } } },
    });
    await executor.schedules.upsert('kept', { task: 'double.tick', every: '1m' });
    const outcome = await executor.schedules.reconcile({ registry });
    expect(outcome.deleted).toEqual(['mine']);
    expect((await executor.schedules.list()).map((schedule) => schedule.id)).toEqual(['kept', 'theirs']);
  });
});
