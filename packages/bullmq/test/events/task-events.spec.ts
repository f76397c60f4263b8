import { TaskRegistry } from '@tasks/core';
import { BullmqExecutor, TaskEvents, TaskWorker } from '../../src';
import { ClusterProcesses } from '../cluster/support/cluster-processes';
import { deferred } from '../support/harness';
import { readUntil, taskIdOf } from '../support/heard';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../support/redis';

describe('TaskEvents: the event stream as Celery events', () => {
  const children = new ClusterProcesses();
  let prefix: string;
  let executor: BullmqExecutor | undefined;

  beforeEach(() => (prefix = uniquePrefix('events')));
  afterEach(async () => {
    await executor?.close();
    executor = undefined;
    await children.killAll();
    await deleteKeys(prefix);
  });

  it('yields one task\'s events in order across processes, with Celery names, origins and heartbeats', async () => {
    const events = await TaskEvents.open({ connection: REDIS_URL, prefix });
    const worker = await children.spawn({ prefix, name: 'w1', concurrency: 2 });
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    const result = await executor.delay('cluster.add', 2, 3);

    // Each process's events keep its order; between processes the stream holds the order of
    // the writes, and a worker may take the task before the publisher writes after_task_publish.
    const last = new Set<string>();
    const seen = await readUntil(events, (e) => {
      if (taskIdOf(e) === result.id && (e.signal === 'task_postrun' || e.signal === 'after_task_publish')) last.add(e.signal);
      return last.size === 2;
    });
    const mine = seen.filter((e) => taskIdOf(e) === result.id);
    const published = mine.filter((e) => e.origin.pid === process.pid);
    const ran = mine.filter((e) => e.origin.pid === worker.pid && e.origin.name === 'w1');
    expect(mine).toHaveLength(6);
    expect(published.map((e) => [e.signal, e.type])).toEqual([
      ['before_task_publish', null],
      ['after_task_publish', 'task-sent'],
    ]);
    expect(ran.map((e) => [e.signal, e.type])).toEqual([
      ['task_received', 'task-received'],
      ['task_prerun', 'task-started'],
      ['task_success', 'task-succeeded'],
      ['task_postrun', null],
    ]);
    const success = ran[2]!;
    if (success.signal !== 'task_success') throw new Error('expected task_success');
    expect(success.payload).toMatchObject({ taskId: result.id, args: [2, 3], result: 5 });
    expect(typeof success.payload.runtimeMs).toBe('number');
    for (const own of [published, ran]) expect(own.every((e, i) => i === 0 || e.timestamp >= own[i - 1]!.timestamp)).toBe(true);
    // task_received travels without its live request object.
    expect(ran[0]!.payload).not.toHaveProperty('request');

    const heartbeat = await readUntil(events, (e) => e.type === 'worker-heartbeat');
    const beat = heartbeat[heartbeat.length - 1]!;
    expect(beat).toMatchObject({ signal: 'worker_heartbeat', sender: 'w1', payload: { concurrency: 2, queues: ['default'] } });

    const history = await TaskEvents.history({ connection: REDIS_URL, prefix });
    expect(history.filter((e) => taskIdOf(e) === result.id).map((e) => e.id)).toEqual(mine.map((e) => e.id));
    await events.close();
    // Closed: the iteration is over.
    await expect(events[Symbol.asyncIterator]().next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('reads failures with the error as { name, message, stack }, and resumes from an event id', async () => {
    const events = await TaskEvents.open({ connection: REDIS_URL, prefix });
    await children.spawn({ prefix, name: 'w1', concurrency: 2 });
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    const first = await executor.delay('cluster.add', 1, 1);
    const untilFirst = await readUntil(events, (e) => e.signal === 'task_postrun' && taskIdOf(e) === first.id);
    const resumeAfter = untilFirst[untilFirst.length - 1]!.id;
    const unknown = await executor.delay('nobody.registered');
    const failed = await readUntil(events, (e) => e.signal === 'task_unknown');
    const event = failed[failed.length - 1]!;
    if (event.signal !== 'task_unknown') throw new Error('expected task_unknown');
    expect(event.payload).toMatchObject({ taskId: unknown.id, error: { name: 'UnknownTaskError', message: expect.stringContaining('nobody.registered') } });
    expect(typeof event.payload.error.stack).toBe('string');
    await events.close();

    // A new reader resumes right after an id.
    const resumed = await TaskEvents.open({ connection: REDIS_URL, prefix, from: resumeAfter });
    const again = await readUntil(resumed, (e) => e.signal === 'task_unknown');
    expect(again.map((e) => e.id)).toEqual(failed.map((e) => e.id));
    await resumed.close();
  });

  it('publishes without listeners when a worker runs with events: true (Celery -E)', async () => {
    await children.spawn({ prefix, name: 'w1', concurrency: 2, events: true });
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    const result = await executor.delay('cluster.add', 1, 2);
    await expect(result.get({ timeoutMs: 20_000 })).resolves.toBe(3);
    // The worker writes its events just after the result: read the stream from its start until the last one.
    const reader = await TaskEvents.open({ connection: REDIS_URL, prefix, from: 'start' });
    const history = await readUntil(reader, (e) => taskIdOf(e) === result.id && e.signal === 'task_postrun');
    await reader.close();
    const types = history.filter((e) => taskIdOf(e) === result.id).map((e) => e.type);
    // The API process publishes nothing (nobody listens); the worker publishes all of its own.
    expect(types).toEqual(['task-received', 'task-started', 'task-succeeded', null]);
    expect(history.some((e) => e.type === 'worker-online' && e.sender === 'w1')).toBe(true);
  });
});

describe('a worker with events: true', () => {
  const prefix = uniquePrefix('events-first');
  afterAll(() => deleteKeys(prefix));

  it('publishes the events of every task, from the first it takes at start', async () => {
    const ran = deferred();
    let count = 0;
    const registry = new TaskRegistry();
    registry.register((_n: number) => void (++count === 20 && ran.resolve()), { name: 'events.count' });
    const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry });
    // Waiting before the worker starts, in a process with nothing else open: it takes the first at once.
    const ids = (await Promise.all(Array.from({ length: 20 }, (_, i) => executor.applyAsync('events.count', [i])))).map((result) => result.id);
    await executor.close();
    const worker = new TaskWorker({ connection: REDIS_URL, prefix, registry, concurrency: 1, events: true });
    try {
      await worker.start();
      await ran.promise;
    } finally {
      await worker.close();
    }
    // The worker has written all its events once it closed.
    const received = (await TaskEvents.history({ connection: REDIS_URL, prefix })).filter((e) => e.signal === 'task_received').map(taskIdOf);
    expect(received.sort()).toEqual(ids.sort());
  });
});
