import { beforeTaskPublish, TaskContext, taskFailure, TaskFailedError, taskReceived, TaskRegistry, TaskRevokedError, TaskState } from '@tasks/core';
import { Queue, QueueEvents, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { deferred, startHarness, type Harness } from './support/harness';
import { REDIS_URL } from './support/redis';
import { SignalRecorder } from './support/signal-recorder';

class CardDeclined extends Error {}

// Celery-fidelity points on the BullMQ executor, against real Redis.
describe('lifecycle fidelity on BullMQ', () => {
  let harness: Harness;
  let queue: Queue;
  let events: QueueEvents;
  const connections: Redis[] = [];
  const recorders: SignalRecorder[] = [];
  const offs: (() => boolean)[] = [];
  let started = deferred();
  const headersSeen: unknown[] = [];
  let unrecoverableRuns = 0;

  beforeAll(async () => {
    const registry = new TaskRegistry();
    registry.register(
      async () => {
        const context = TaskContext.current();
        started.resolve();
        await new Promise((_, reject) => context.abortSignal.addEventListener('abort', () => reject(context.abortSignal.reason)));
      },
      { name: 'fidelity.abortable' },
    );
    registry.register(
      () => {
        const context = TaskContext.current();
        headersSeen.push(context.headers.hop ?? null);
        if (context.retries < 2) context.retry({ delayMs: 1 });
        return 'done';
      },
      { name: 'fidelity.stamped', maxRetries: 2 },
    );
    registry.register(
      () => {
        throw new CardDeclined('card declined');
      },
      { name: 'fidelity.declined', maxRetries: 1, autoretryFor: [CardDeclined], retryBackoff: { type: 'fixed', delayMs: 1 } },
    );
    registry.register(
      () => {
        unrecoverableRuns++;
        throw new UnrecoverableError('account closed');
      },
      { name: 'fidelity.unrecoverable', maxRetries: 3, autoretryFor: [Error] },
    );
    registry.register(() => 'ran', { name: 'fidelity.limited', rateLimit: '2/s' });
    harness = await startHarness(registry, { timeLimitGraceMs: 100 });
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    connections.push(connection);
    queue = new Queue('default', { connection, prefix: harness.prefix });
    // BullMQ leaves a connection it was given open at close: each is disconnected after.
    const eventsConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    connections.push(eventsConnection);
    events = new QueueEvents('default', { connection: eventsConnection, prefix: harness.prefix });
    await events.waitUntilReady();
  });
  afterEach(() => {
    offs.splice(0).forEach((off) => off());
    recorders.splice(0).forEach((recorder) => recorder.dispose());
  });
  afterAll(async () => {
    await events.close();
    await events.disconnect();
    await queue.close();
    connections.forEach((connection) => connection.disconnect());
    await harness.close();
  });

  function record(task: string): SignalRecorder {
    const recorder = new SignalRecorder(task);
    recorders.push(recorder);
    return recorder;
  }

  it('a terminated task: task_received, task_prerun, task_revoked, task_postrun(REVOKED), nothing else', async () => {
    const recorder = record('fidelity.abortable');
    started = deferred();
    const result = await harness.executor.delay('fidelity.abortable');
    await started.promise;

    await result.revoke({ terminate: true, reason: 'user cancelled' });

    await expect(result.get({ timeoutMs: 5000 })).rejects.toBeInstanceOf(TaskRevokedError);
    expect(await result.state()).toBe(TaskState.REVOKED);
    // task_postrun comes last and the result is stored after it, so get() settling means it fired.
    expect(recorder.events).toEqual(['task_received', 'task_prerun', 'task_revoked', 'task_postrun(REVOKED)']);
  });

  it('retries re-publish in the worker, and headers a before_task_publish receiver changes reach the next attempt', async () => {
    const recorder = record('fidelity.stamped');
    offs.push(beforeTaskPublish.connect((event) => void (event.headers.hop = Number(event.headers.hop ?? 0) + 1), { sender: 'fidelity.stamped' }));

    const result = await harness.executor.delay('fidelity.stamped');

    expect(await result.get({ timeoutMs: 10_000 })).toBe('done');
    const retry = ['task_received', 'task_prerun', 'before_task_publish', 'after_task_publish', 'task_retry', 'task_postrun(RETRY)'];
    expect(recorder.published).toEqual(['before_task_publish', 'after_task_publish']);
    expect(recorder.events).toEqual([...retry, ...retry, 'task_received', 'task_prerun', 'task_success', 'task_postrun(SUCCESS)']);
    expect(headersSeen).toEqual([1, 2, 3]);
  });

  it('an Error subclass without a name is recorded under its class: task_failure, get(), the stored job', async () => {
    const failures: string[] = [];
    offs.push(taskFailure.connect((event) => void failures.push(event.error.name), { sender: 'fidelity.declined' }));

    const result = await harness.executor.delay('fidelity.declined');
    const error = await result.get({ timeoutMs: 10_000 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({ name: 'CardDeclined', message: 'card declined' });
    expect(failures).toEqual(['CardDeclined']);
    const job = await queue.getJob(result.id);
    expect(job?.stacktrace?.at(-1)).toMatch(/^CardDeclined: card declined/);
  });

  it("BullMQ's UnrecoverableError thrown by a task never retries", async () => {
    const result = await harness.executor.delay('fidelity.unrecoverable');
    await expect(result.get({ timeoutMs: 10_000 })).rejects.toMatchObject({ name: 'UnrecoverableError', message: 'account closed' });
    expect(unrecoverableRuns).toBe(1);
  });

  it('a rate-limited task fires task_received once, before it waits, and waits as a delayed job that never started', async () => {
    const received: string[] = [];
    offs.push(taskReceived.connect((event) => void received.push(event.taskId), { sender: 'fidelity.limited' }));
    const parked = deferred<string>();
    const onDelayed = ({ jobId }: { jobId: string }) => parked.resolve(jobId);
    events.on('delayed', onDelayed);
    try {
      // 2/s: the third of three published together waits about a second for its slot.
      const results = await Promise.all([1, 2, 3].map(() => harness.executor.delay('fidelity.limited')));
      const parkedId = await parked.promise;
      const job = await queue.getJob(parkedId);
      expect(received).toContain(parkedId);
      expect(await queue.getJobState(parkedId)).toBe('delayed');
      expect(job?.processedOn).toBeUndefined();
      expect(job?.attemptsStarted).toBe(0);

      await Promise.all(results.map((result) => result.get({ timeoutMs: 10_000 })));
      expect([...received].sort()).toEqual(results.map((result) => result.id).sort());
    } finally {
      events.off('delayed', onDelayed);
    }
  });
});
