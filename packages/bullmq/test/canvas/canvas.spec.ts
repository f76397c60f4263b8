import {
  beforeTaskPublish,
  builtinSignals,
  Chain,
  ChordError,
  EagerExecutor,
  InvalidCanvasError,
  SerializationError,
  TaskFailedError,
  TaskState,
  DEFAULT_QUEUE,
  type AsyncResult,
  type CanvasExecutor,
  type CanvasResult,
  type GroupResult,
  type TaskRequest,
} from '@tasks/core';
import { FlowProducer } from 'bullmq';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { BullmqExecutor } from '../../src';
import { canvasTasks, type CanvasRun } from '../fixtures/canvas-tasks';
import { startHarness, type Harness } from '../support/harness';
import { REDIS_URL } from '../support/redis';

const WAIT = { timeoutMs: 15_000 };
type Mode = 'bullmq' | 'eager';

/** The same canvases, run by the BullMQ executor and worker on Redis, and by the eager executor. */
describe.each<Mode>(['bullmq', 'eager'])('canvas (%s)', (mode) => {
  const fixture = canvasTasks();
  let harness: Harness | undefined;
  let executor: CanvasExecutor;

  beforeAll(async () => {
    if (mode === 'bullmq') {
      harness = await startHarness(fixture.registry, { concurrency: 20 });
      executor = harness.executor;
    } else {
      executor = new EagerExecutor(fixture.registry);
    }
  });
  afterAll(async () => {
    if (harness) await harness.close();
    else await executor.close();
  });
  beforeEach(() => (fixture.runs.length = 0));

  const s = (name: string, ...args: unknown[]) => executor.canvas.signature(name, args);
  const ran = (task: string): CanvasRun[] => fixture.runs.filter((run) => run.task === task);

  it('passes each result of a chain to the next step, with parent links and ids', async () => {
    const requests: TaskRequest[] = [];
    const off = builtinSignals.task_received.connect(({ request }) => void requests.push(request), { sender: 'c.mul' });
    const last = await executor.canvas.chain(s('c.add', 2, 3), s('c.mul', 4), s('c.show')).delay();
    await expect(last.get(WAIT)).resolves.toBe('=20');
    off();
    const mul = last.parent as CanvasResult;
    await expect(mul.get(WAIT)).resolves.toBe(20);
    await expect((mul.parent as AsyncResult).get(WAIT)).resolves.toBe(5);
    expect(fixture.runs.map((run) => [run.task, run.args])).toEqual([
      ['c.add', [2, 3]],
      ['c.mul', [5, 4]],
      ['c.show', [20]],
    ]);
    const [add, mulRun, show] = fixture.runs;
    expect(fixture.runs.every((run) => run.rootId === add!.id)).toBe(true);
    expect([add!.parentId, mulRun!.parentId, show!.parentId]).toEqual([undefined, add!.id, mulRun!.id]);
    expect(show!.id).toBe(last.id);
    // task_received's request carries the same ids.
    expect(requests).toEqual([expect.objectContaining({ id: mulRun!.id, rootId: add!.id, parentId: add!.id })]);
    expect(requests[0]!.groupId).toBeUndefined();
  });

  it('stops a chain at its first final failure: later steps never run and reject with its error', async () => {
    const last = await executor.canvas.chain(s('c.add', 1, 1), s('c.fail'), s('c.show')).delay();
    const error = await last.get(WAIT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({ name: 'CardDeclined', message: 'declined 2', taskId: (last.parent as AsyncResult).id });
    expect(await last.state()).toBe(TaskState.FAILURE);
    expect(fixture.runs.map((run) => run.task)).toEqual(['c.add', 'c.fail']);
    if (harness) {
      // Another process, which knows neither the tasks nor the queue, reads the same.
      const other = await BullmqExecutor.connect({ connection: REDIS_URL, prefix: harness.prefix });
      try {
        await expect(other.result(last.id).get(WAIT)).rejects.toMatchObject({ name: 'CardDeclined', message: 'declined 2' });
        expect(await other.result(last.id).state()).toBe(TaskState.FAILURE);
      } finally {
        await other.close();
      }
    }
  });

  it('goes on once after a step that retried and then succeeded', async () => {
    const last = await executor.canvas.chain(s('c.flaky', 1), s('c.mul', 10)).delay();
    await expect(last.get(WAIT)).resolves.toBe(20);
    expect(fixture.runs.map((run) => run.task)).toEqual(['c.flaky', 'c.flaky', 'c.mul']);
  });

  it('runs a group of 100 and gives the results in order', async () => {
    const group = await executor.canvas.group(Array.from({ length: 100 }, (_, i) => s('c.mul', i, 2))).delay();
    await expect(group.get(WAIT)).resolves.toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
    expect(await group.completedCount()).toBe(100);
    expect(await group.ready()).toBe(true);
    expect(new Set(ran('c.mul').map((run) => run.groupId))).toEqual(new Set([group.id]));
  });

  it('rejects a group with its failing member, or gives errors in place with propagate: false', async () => {
    const group = await executor.canvas.group([s('c.add', 1, 1), s('c.fail', 'x'), s('c.add', 2, 2)]).delay();
    await expect(group.get(WAIT)).rejects.toMatchObject({ name: 'CardDeclined', message: 'declined "x"' });
    const results = await group.get({ ...WAIT, propagate: false });
    expect(results[0]).toBe(2);
    expect(results[1]).toMatchObject({ name: 'CardDeclined' });
    expect(results[2]).toBe(4);
    expect(await group.state()).toEqual([TaskState.SUCCESS, TaskState.FAILURE, TaskState.SUCCESS]);
    expect(await group.completedCount()).toBe(2);
  });

  it('sums 50 results in a chord callback that runs once', async () => {
    const sum = await executor.canvas.chord(Array.from({ length: 50 }, (_, i) => s('c.mul', i, 1)), s('c.sum')).delay();
    await expect(sum.get(WAIT)).resolves.toBe(1225);
    expect(ran('c.sum').map((run) => run.args)).toEqual([[Array.from({ length: 50 }, (_, i) => i)]]);
    expect(ran('c.sum')[0]!.id).toBe(sum.id);
    await expect((sum.parent as GroupResult).get(WAIT)).resolves.toHaveLength(50);
  });

  it('never runs a chord callback when a member fails for good, and rejects with ChordError naming it', async () => {
    const sum = await executor.canvas.chord([s('c.add', 1, 1), s('c.fail', 'm')], s('c.sum')).delay();
    const failing = (sum.parent as GroupResult).results[1]!.id;
    const error = await sum.get(WAIT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChordError);
    expect(error).toMatchObject({ memberId: failing, memberError: { name: 'CardDeclined', message: 'declined "m"' } });
    expect(await sum.state()).toBe(TaskState.FAILURE);
    expect(ran('c.sum')).toEqual([]);
  });

  it('makes a group inside a chain a chord: the next step gets the array', async () => {
    const last = await executor.canvas.chain(s('c.add', 1, 2), executor.canvas.group([s('c.mul', 10), s('c.mul', 100)]), s('c.sum')).delay();
    await expect(last.get(WAIT)).resolves.toBe(330);
    expect(ran('c.sum').map((run) => run.args)).toEqual([[[30, 300]]]);
  });

  it('runs a chain inside a group, a chain inside a chord header, and a chain as a chord callback', async () => {
    const { canvas } = executor;
    const group = await canvas.group([canvas.chain(s('c.add', 1, 1), s('c.mul', 5)), s('c.add', 3, 3)]).delay();
    await expect(group.get(WAIT)).resolves.toEqual([10, 6]);
    const header = await canvas.chord([canvas.chain(s('c.add', 1, 1), s('c.mul', 7)), s('c.add', 0, 1)], s('c.sum')).delay();
    await expect(header.get(WAIT)).resolves.toBe(15);
    const callback = await canvas.chord([s('c.add', 1, 1), s('c.add', 2, 2)], canvas.chain(s('c.sum'), s('c.mul', 3))).delay();
    await expect(callback.get(WAIT)).resolves.toBe(18);
  });

  it('fails the steps after a chord whose member failed with ChordError, and never runs them', async () => {
    const { canvas } = executor;
    const last = await canvas.chain(s('c.add', 1, 1), canvas.group([s('c.fail'), s('c.mul', 2)]), s('c.sum'), s('c.show')).delay();
    await expect(last.get(WAIT)).rejects.toBeInstanceOf(ChordError);
    expect(ran('c.sum')).toEqual([]);
    expect(ran('c.show')).toEqual([]);
  });

  it('publishes link tasks with the result, and linkError tasks with the id and error after the final failure only', async () => {
    const linked = executor.canvas.signature('c.mul', [10]).set({ taskId: `link-${mode}-${Date.now()}` });
    const errback = executor.canvas.signature('c.echo').set({ taskId: `errback-${mode}-${Date.now()}` });
    await executor.applyAsync('c.add', [1, 2], { link: linked, linkError: errback });
    await expect(executor.result(linked.options.taskId!).get(WAIT)).resolves.toBe(30);

    const failed = await executor.applyAsync('c.fail', ['z'], { link: executor.canvas.signature('c.show'), linkError: errback });
    const [id, record] = (await executor.result(errback.options.taskId!).get(WAIT)) as [string, { name: string; message: string }];
    expect(id).toBe(failed.id);
    expect(record).toMatchObject({ name: 'CardDeclined', message: 'declined "z"' });
    expect(ran('c.show')).toEqual([]);

    // A retry is not a failure: the errback does not run, the link runs once.
    fixture.runs.length = 0;
    const flakyLink = executor.canvas.signature('c.mul', [3]).set({ taskId: `flaky-link-${mode}-${Date.now()}` });
    await executor.applyAsync('c.flaky', [1], { link: flakyLink, linkError: executor.canvas.signature('c.echo', ['never']) });
    await expect(executor.result(flakyLink.options.taskId!).get(WAIT)).resolves.toBe(6);
    expect(fixture.runs.map((run) => run.task)).toEqual(['c.flaky', 'c.flaky', 'c.mul']);
  });

  it('fires every member its normal signals, in the same order in both modes', async () => {
    const sequences = new Map<string, string[]>();
    const offs = Object.values(builtinSignals).map((signal) =>
      signal.connect((event: { sender: string; state?: string }) => {
        if (!event.sender.startsWith('c.')) return;
        const list = sequences.get(event.sender) ?? [];
        sequences.set(event.sender, list);
        list.push(event.state ? `${signal.name}(${event.state})` : signal.name);
      }),
    );
    // c.flaky publishes c.show before its own task_success (as Celery does), so c.show may end first: wait for c.flaky's end too.
    const flakyEnded = new Promise<void>((resolve) => {
      const off: () => boolean = builtinSignals.task_postrun.connect(({ state }) => void (state === TaskState.SUCCESS && (off(), resolve())), { sender: 'c.flaky' });
    });
    try {
      const last = await executor.canvas.chain(s('c.add', 1, 1), s('c.flaky'), s('c.show')).delay();
      await expect(last.get(WAIT)).resolves.toBe('=3');
      await flakyEnded;
    } finally {
      offs.forEach((off) => off());
    }
    // after_task_publish belongs to the publisher, the rest to the worker. With both in one
    // process a worker may receive the message before the publisher's add() returns, so
    // after_task_publish is checked on its own: it follows its before_task_publish, once each.
    const publishSide = (name: string) => (sequences.get(name) ?? []).filter((entry) => entry.endsWith('_task_publish'));
    const workerSide = (name: string) => (sequences.get(name) ?? []).filter((entry) => entry !== 'after_task_publish');
    const success = ['before_task_publish', 'task_received', 'task_prerun', 'task_success', 'task_postrun(SUCCESS)'];
    expect(workerSide('c.add')).toEqual(success);
    expect(workerSide('c.show')).toEqual(success);
    expect(workerSide('c.flaky')).toEqual([
      'before_task_publish',
      'task_received',
      'task_prerun',
      // The retry re-publishes, as every retry does.
      'before_task_publish',
      'task_retry',
      'task_postrun(RETRY)',
      'task_received',
      'task_prerun',
      'task_success',
      'task_postrun(SUCCESS)',
    ]);
    expect(publishSide('c.add')).toEqual(['before_task_publish', 'after_task_publish']);
    expect(publishSide('c.show')).toEqual(['before_task_publish', 'after_task_publish']);
    // c.flaky is published twice (by c.add's worker, then by its retry), and the retry may be
    // published before the first publish's add() returned: each after follows its before.
    const flaky = publishSide('c.flaky');
    expect(flaky.filter((entry) => entry === 'before_task_publish')).toHaveLength(2);
    expect(flaky.filter((entry) => entry === 'after_task_publish')).toHaveLength(2);
    flaky.forEach((_, i) => {
      const upTo = flaky.slice(0, i + 1);
      expect(upTo.filter((entry) => entry === 'after_task_publish').length).toBeLessThanOrEqual(upTo.filter((entry) => entry === 'before_task_publish').length);
    });
  });

  describe('bad input is refused by name and nothing is published', () => {
    let published = 0;
    let off: () => boolean;
    beforeEach(() => {
      published = 0;
      off = beforeTaskPublish.connect(() => void published++);
    });
    afterEach(() => off());

    it('refuses an empty chain or group', async () => {
      const emptyChain = new Chain([], executor.canvas);
      await expect(emptyChain.delay()).rejects.toThrow(new InvalidCanvasError('chain', 'a chain needs at least one step; pass one or more signatures'));
      await expect(executor.canvas.group([]).delay()).rejects.toBeInstanceOf(InvalidCanvasError);
      expect(published).toBe(0);
    });

    it('names the path of an argument JSON can not carry', async () => {
      const error = await executor.canvas
        .chain(s('c.add', 1, 2), s('c.mul', 1), s('c.mul', () => 1))
        .delay()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SerializationError);
      expect(error).toMatchObject({ path: 'chain[2].args[0]' });
      const nested = await executor.canvas
        .chord([s('c.add', 1, 2), s('c.add', 1, BigInt(2))], s('c.sum'))
        .delay()
        .catch((e: unknown) => e);
      expect(nested).toMatchObject({ path: 'chord.header[1].args[1]' });
      expect(published).toBe(0);
    });

    it('refuses an unknown publish option of a signature by its name, as applyAsync does', async () => {
      const typo = executor.canvas.signature('c.add', [1, 2], { delay: 10 } as never);
      await expect(executor.canvas.group([typo]).delay()).rejects.toMatchObject({ name: 'InvalidPublishOptionsError', option: 'delay' });
      await expect(executor.canvas.chain(typo, s('c.mul', 2)).delay()).rejects.toMatchObject({ name: 'InvalidPublishOptionsError', option: 'delay' });
      expect(published).toBe(0);
    });

    it('refuses a task id given to two tasks of one canvas, by path', async () => {
      const twice = executor.canvas.group([s('c.add', 1, 1).set({ taskId: 'same-id' }), s('c.add', 2, 2), s('c.add', 3, 3).set({ taskId: 'same-id' })]);
      await expect(twice.delay()).rejects.toMatchObject({ name: 'InvalidCanvasError', path: 'group[2].options.taskId', message: expect.stringMatching(/the task id same-id is used twice/) });
      expect(published).toBe(0);
    });

    it('refuses, by path, the nestings it does not run: a group ending a chain, a group or chord in a chord header, a group as a chord callback', async () => {
      const { canvas } = executor;
      const endsInGroup = await canvas.chain(s('c.add', 1, 1), canvas.group([s('c.mul', 2), s('c.mul', 3)])).delay().catch((e: unknown) => e);
      expect(endsInGroup).toBeInstanceOf(InvalidCanvasError);
      expect(endsInGroup).toMatchObject({ path: 'chain[1]', message: expect.stringMatching(/a group can not end a chain; add a step after it/) });

      const groupInHeader = await canvas.chord([canvas.group([s('c.add', 1, 1)]), s('c.add', 2, 2)], s('c.sum')).delay().catch((e: unknown) => e);
      expect(groupInHeader).toMatchObject({ name: 'InvalidCanvasError', path: 'chord.header[0]' });
      const chordInHeader = await canvas
        .chord([canvas.chord([s('c.add', 1, 1)], s('c.sum')), s('c.add', 2, 2)], s('c.sum'))
        .delay()
        .catch((e: unknown) => e);
      expect(chordInHeader).toMatchObject({ name: 'InvalidCanvasError', path: 'chord.header[0]' });

      const groupAsCallback = await canvas.chord([s('c.add', 1, 1)], canvas.group([s('c.sum'), s('c.sum')])).delay().catch((e: unknown) => e);
      expect(groupAsCallback).toMatchObject({ name: 'InvalidCanvasError', path: 'chord.body' });
      expect(published).toBe(0);
    });

    it('refuses a group larger than maxGroupSize, and a task this app does not know when it knows every task', async () => {
      const limited =
        mode === 'eager'
          ? new EagerExecutor(fixture.registry, undefined, { maxGroupSize: 3 })
          : await BullmqExecutor.connect({ connection: REDIS_URL, prefix: harness!.prefix, registry: fixture.registry, canvas: { maxGroupSize: 3, knownTasksOnly: true } });
      try {
        const tooMany = limited.canvas.group([1, 2, 3, 4].map((i) => limited.canvas.signature('c.add', [i, i])));
        await expect(tooMany.delay()).rejects.toThrow(/a group of 4 members is more than the limit of 3/);
        const unknown = limited.canvas.chain(limited.canvas.signature('c.add', [1, 1]), limited.canvas.signature('c.nope'));
        await expect(unknown.delay()).rejects.toMatchObject({ name: 'InvalidCanvasError', path: 'chain[1]' });
        expect(published).toBe(0);
      } finally {
        await limited.close();
      }
    });
  });

  it('publishes the next step and the errbacks before task_success / task_failure, as Celery does', async () => {
    const seen: string[] = [];
    const offs = [builtinSignals.before_task_publish, builtinSignals.task_success, builtinSignals.task_failure].map((signal) =>
      signal.connect((event: { sender: string }) => void seen.push(`${signal.name} ${event.sender}`)),
    );
    try {
      const last = await executor.canvas.chain(s('c.add', 1, 1), s('c.show')).delay();
      await expect(last.get(WAIT)).resolves.toBe('=2');
      const errback = executor.canvas.signature('c.echo').set({ taskId: `order-errback-${Date.now()}` });
      await executor.applyAsync('c.fail', [0], { linkError: errback });
      await executor.result(errback.options.taskId!).get(WAIT);
    } finally {
      offs.forEach((off) => off());
    }
    const at = (entry: string) => seen.indexOf(entry);
    expect(at('before_task_publish c.show')).toBeLessThan(at('task_success c.add'));
    expect(at('before_task_publish c.echo')).toBeLessThan(at('task_failure c.fail'));
  });

  if (mode === 'bullmq') {
    it('revokes the steps of a chain that have not run yet when its result is revoked', async () => {
      // Connected before delay(): the worker may start the first step before delay() returns.
      const started = new Promise<void>((resolve) => {
        const off: () => boolean = builtinSignals.task_prerun.connect(() => (off(), resolve()), { sender: 'c.wait' });
      });
      const last = await executor.canvas.chain(s('c.wait', 'revoke-chain'), s('c.show'), s('c.show')).delay();
      await started;
      const outcome = await last.revoke();
      expect(outcome).toMatchObject({ taskId: last.id, revoked: true });
      fixture.release('revoke-chain');
      await expect(last.get(WAIT)).rejects.toMatchObject({ name: 'TaskRevokedError' });
      await expect((last.parent as AsyncResult).get(WAIT)).rejects.toMatchObject({ name: 'TaskRevokedError' });
      expect(await (last.parent as AsyncResult).state()).toBe(TaskState.REVOKED);
      expect(ran('c.show')).toEqual([]);
      expect(ran('c.wait')).toHaveLength(1);
    });

    it('fails a chord with ChordError when a member is revoked, and never runs the callback on a partial array', async () => {
      const later = { delayMs: 60_000 };
      const sum = await executor.canvas.chord([s('c.add', 1, 1), s('c.add', 2, 2).set(later)], s('c.sum')).delay();
      const member = (sum.parent as GroupResult).results[1]!;
      await expect(member.revoke()).resolves.toMatchObject({ revoked: true });
      const error = await sum.get(WAIT).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChordError);
      expect(error).toMatchObject({ memberId: member.id, memberError: { name: 'TaskRevokedError' } });
      expect(await member.state()).toBe(TaskState.REVOKED);
      expect(ran('c.sum')).toEqual([]);
    });

    it('ends a chain visibly when its first step is revoked while it waits', async () => {
      // The first step is written at delay() and its job says it starts a chain: no step record is kept for it.
      const last = await executor.canvas.chain(s('c.add', 1, 1).set({ delayMs: 60_000 }), s('c.show')).delay();
      const first = last.parent as AsyncResult;
      await expect(first.revoke()).resolves.toMatchObject({ revoked: true });
      await expect(last.get(WAIT)).rejects.toMatchObject({ name: 'TaskRevokedError', taskId: first.id });
      expect(await first.state()).toBe(TaskState.REVOKED);
      expect(fixture.runs).toEqual([]);
    });

    it('joins a chord callback written by an earlier version, whose join lists each member as an object', async () => {
      const prefix = harness!.prefix;
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      const flows = new FlowProducer({ connection: redis, prefix });
      try {
        const message = (args: unknown[], canvas?: object) => ({ v: 1, args, headers: {}, publishedAt: Date.now(), ...(canvas && { canvas }) });
        const ids = [randomUUID(), randomUUID()];
        const callbackId = randomUUID();
        const members = ids.map((id) => ({ id, queue: DEFAULT_QUEUE, name: 'c.add' }));
        await flows.add({
          name: 'c.sum',
          queueName: DEFAULT_QUEUE,
          data: message([], { join: { members, single: false } }),
          opts: { jobId: callbackId },
          children: ids.map((id, i) => ({ name: 'c.add', queueName: DEFAULT_QUEUE, data: message([i, 10], { chordMember: true }), opts: { jobId: id, failParentOnFailure: true } })),
        });
        await expect(executor.result(callbackId).get(WAIT)).resolves.toBe(21);
        expect(ran('c.sum').map((run) => run.args)).toEqual([[[10, 11]]]);
      } finally {
        await flows.close();
        await redis.quit();
      }
    });

    it('revokes the members and the callback of a chord when its result is revoked', async () => {
      const later = { delayMs: 60_000 };
      const sum = await executor.canvas.chord([s('c.add', 1, 1).set(later), s('c.add', 2, 2).set(later)], s('c.sum')).delay();
      await sum.revoke();
      await expect(sum.get(WAIT)).rejects.toBeInstanceOf(ChordError);
      expect(await (sum.parent as GroupResult).state()).toEqual([TaskState.REVOKED, TaskState.REVOKED]);
      expect(fixture.runs).toEqual([]);
    });
  }
});
