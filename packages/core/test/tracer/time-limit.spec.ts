import { TaskContext } from '../../src/context/task-context';
import { TimeLimitExceededError } from '../../src/errors';
import type { TaskRequest } from '../../src/tasks/task-message';
import { TaskRegistry } from '../../src/tasks/task-registry';
import { TaskState } from '../../src/tasks/task-state';
import { traceAttempt } from '../../src/tracer/trace-attempt';
import { useEagerFixtures } from '../support/eager-fixture';
import { rejectionOf } from '../support/rejection';
import { PUBLISH, TraceRecorder } from '../support/trace-recorder';
import { uniqueTaskName } from '../support/unique-name';

/** A body that waits for the abort signal and then rejects with its own error. */
function untilAborted(): Promise<never> {
  const signal = TaskContext.current().abortSignal;
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(new Error('stopped on abort')), { once: true });
  });
}

function requestFor(name: string, overrides: Partial<TaskRequest> = {}): TaskRequest {
  return { id: `${name}-id`, name, args: [], headers: {}, queue: 'default', retries: 0, publishedAt: Date.now(), ...overrides };
}

describe('time limits', () => {
  const fixture = useEagerFixtures();

  it('aborts a body that honours the abort signal and fails the task with TimeLimitExceededError', async () => {
    const reasons: unknown[] = [];
    const f = fixture(() => {
      TaskContext.current().abortSignal.addEventListener('abort', (event) => reasons.push((event.target as AbortSignal).reason));
      return untilAborted();
    }, { timeLimitMs: 20 });

    const result = await f.executor.delay(f.name);

    expect(f.steps).toEqual([...PUBLISH, 'task_received', 'task_prerun', 'beforeStart', 'body', 'onFailure', 'task_failure', 'afterReturn', 'task_postrun(FAILURE)']);
    expect(reasons).toEqual([expect.any(TimeLimitExceededError)]);
    const failure = f.recorder.eventsOf('task_failure')[0];
    expect(failure?.error).toBeInstanceOf(TimeLimitExceededError);
    expect(failure?.error).toMatchObject({ taskName: f.name, taskId: result.id, limitMs: 20 });
    const error = await rejectionOf(result.get());
    expect(error.name).toBe('TimeLimitExceededError');
    expect(error.message).toContain('exceeded its time limit of 20ms');
  });

  it('applies the timeLimitMs of one call to a task without a limit', async () => {
    const f = fixture(() => untilAborted());

    const result = await f.executor.applyAsync(f.name, [], { timeLimitMs: 15 });

    expect(await rejectionOf(result.get())).toMatchObject({ name: 'TimeLimitExceededError' });
    expect(f.recorder.eventsOf('task_failure')[0]?.error).toMatchObject({ limitMs: 15 });
  });

  it('lets a body that finishes in time succeed', async () => {
    const f = fixture(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return TaskContext.current().abortSignal.aborted;
    }, { timeLimitMs: 10_000 });

    const result = await f.executor.delay(f.name);

    expect(await result.get()).toBe(false);
  });

  describe('traceAttempt', () => {
    let recorder: TraceRecorder | undefined;
    afterEach(() => {
      recorder?.close();
      recorder = undefined;
    });

    it('abandons a body that ignores the abort signal once the grace period is over', async () => {
      const name = uniqueTaskName('time-limit');
      recorder = new TraceRecorder(name);
      let aborted: AbortSignal | undefined;
      const task = new TaskRegistry().register(
        () => {
          aborted = TaskContext.current().abortSignal;
          return new Promise<never>(() => undefined);
        },
        { name, timeLimitMs: 20 },
      );

      const outcome = await traceAttempt(task, requestFor(name), { timeLimitGraceMs: 10 });

      expect(outcome.state).toBe(TaskState.FAILURE);
      expect('error' in outcome && outcome.error).toBeInstanceOf(TimeLimitExceededError);
      expect(aborted?.aborted).toBe(true);
      expect(recorder.steps).toEqual(['task_prerun', 'task_failure', 'task_postrun(FAILURE)']);
    });

    it('takes the request timeLimitMs over the task option', async () => {
      const name = uniqueTaskName('time-limit');
      const task = new TaskRegistry().register(() => untilAborted(), { name, timeLimitMs: 60_000 });

      const outcome = await traceAttempt(task, requestFor(name, { timeLimitMs: 10 }), { timeLimitGraceMs: 10 });

      expect(outcome).toMatchObject({ state: TaskState.FAILURE, error: { name: 'TimeLimitExceededError', limitMs: 10 } });
    });

    it('retries a timed-out attempt when autoretryFor lists TimeLimitExceededError', async () => {
      const name = uniqueTaskName('time-limit');
      const task = new TaskRegistry().register(() => untilAborted(), {
        name,
        timeLimitMs: 10,
        maxRetries: 1,
        autoretryFor: [TimeLimitExceededError],
        retryBackoff: { type: 'fixed', delayMs: 3 },
      });

      const outcome = await traceAttempt(task, requestFor(name));

      expect(outcome).toMatchObject({ state: TaskState.RETRY, delayMs: 3, error: { name: 'TimeLimitExceededError' } });
    });
  });
});
