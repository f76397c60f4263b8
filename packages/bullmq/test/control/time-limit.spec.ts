import { TaskContext, taskFailure, TaskRegistry, taskRetry, TimeLimitExceededError, type TaskFailurePayload, type TaskRetryPayload } from '@tasks/core';
import { deferred, startHarness, type Harness } from '../support/harness';
import { SignalCapture } from './support/signal-capture';

const LIMIT_MS = 200;
/** Long beside the limit, so that "without waiting for the grace" holds on a loaded machine too. */
const GRACE_MS = 1000;

describe('time limits', () => {
  const releaseStubborn = deferred();
  const contexts = new Map<string, TaskContext>();
  let harness: Harness;
  let failures: SignalCapture<TaskFailurePayload>;
  let retries: SignalCapture<TaskRetryPayload>;

  /** Runs until aborted, then stops at once. */
  const honours = async () => {
    const context = TaskContext.current();
    contexts.set(context.id, context);
    await new Promise((_, reject) => context.abortSignal.addEventListener('abort', () => reject(context.abortSignal.reason)));
  };

  beforeAll(async () => {
    const registry = new TaskRegistry();
    // Ignores its abort signal: still running when the test ends.
    registry.register(async () => (contexts.set(TaskContext.current().id, TaskContext.current()), await releaseStubborn.promise), {
      name: 'limit.stubborn',
      timeLimitMs: LIMIT_MS,
    });
    registry.register(honours, { name: 'limit.honours', timeLimitMs: LIMIT_MS });
    registry.register(honours, { name: 'limit.per_call' });
    registry.register(honours, {
      name: 'limit.retried',
      timeLimitMs: LIMIT_MS,
      maxRetries: 1,
      autoretryFor: [TimeLimitExceededError],
      retryBackoff: { type: 'fixed', delayMs: 10 },
    });
    registry.register((a: number, b: number) => a + b, { name: 'limit.add' });
    // One task at a time: a stuck body must not keep the worker from the next task.
    harness = await startHarness(registry, { concurrency: 1, timeLimitGraceMs: GRACE_MS });
  });
  beforeEach(() => {
    failures = new SignalCapture(taskFailure);
    retries = new SignalCapture(taskRetry);
  });
  afterEach(() => (failures.dispose(), retries.dispose()));
  afterAll(async () => {
    releaseStubborn.resolve();
    await harness.close();
  });

  it('a body that ignores its abort signal fails with TimeLimitExceededError after the grace, and the worker goes on', async () => {
    const startedAt = performance.now();
    const result = await harness.executor.delay('limit.stubborn');

    await expect(result.get({ timeoutMs: 5000 })).rejects.toMatchObject({ name: 'TimeLimitExceededError' });
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(LIMIT_MS + GRACE_MS - 10);
    const context = contexts.get(result.id)!;
    expect(context.abortSignal.aborted).toBe(true);
    expect(context.abortSignal.reason).toBeInstanceOf(TimeLimitExceededError);
    expect(failures.events).toMatchObject([{ taskId: result.id, attempts: 1 }]);
    expect(failures.events[0]!.error).toBeInstanceOf(TimeLimitExceededError);

    // The body is still stuck, yet the only slot of the worker is free again.
    const next = await harness.executor.delay('limit.add', 2, 3);
    expect(await next.get({ timeoutMs: 5000 })).toBe(5);
  });

  it('a body that honours its abort signal fails at the limit, without waiting for the grace', async () => {
    const startedAt = performance.now();
    const result = await harness.executor.delay('limit.honours');

    await expect(result.get({ timeoutMs: 5000 })).rejects.toMatchObject({ name: 'TimeLimitExceededError' });
    const elapsed = performance.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(LIMIT_MS - 10);
    expect(elapsed).toBeLessThan(LIMIT_MS + GRACE_MS);
    expect(contexts.get(result.id)!.abortSignal.reason).toBeInstanceOf(TimeLimitExceededError);
  });

  it('takes a per-call timeLimitMs', async () => {
    const result = await harness.executor.applyAsync('limit.per_call', [], { timeLimitMs: 100 });
    await expect(result.get({ timeoutMs: 5000 })).rejects.toMatchObject({ name: 'TimeLimitExceededError', message: expect.stringContaining('100ms') });
  });

  it('counts as a failure for retries: task_retry, then task_failure once retries run out', async () => {
    const result = await harness.executor.delay('limit.retried');

    await expect(result.get({ timeoutMs: 5000 })).rejects.toMatchObject({ name: 'TimeLimitExceededError' });
    expect(retries.events).toMatchObject([{ taskId: result.id, attempt: 1, delayMs: 10 }]);
    expect(retries.events[0]!.error).toBeInstanceOf(TimeLimitExceededError);
    expect(failures.events).toMatchObject([{ taskId: result.id, attempts: 2 }]);
  });
});
