import { TaskFailedError } from '../../src/errors';
import { TaskState } from '../../src/tasks/task-state';
import { useEagerFixtures } from '../support/eager-fixture';
import { rejectionOf } from '../support/rejection';
import { SmtpError, TemplateError } from '../support/test-errors';
import { FAILURE_ATTEMPT, PUBLISH, RETRY_ATTEMPT, SUCCESS_ATTEMPT } from '../support/trace-recorder';

describe('tracer order through the EagerExecutor', () => {
  const fixture = useEagerFixtures();

  it('success: publish signals, then prerun, hooks and body, then success and postrun', async () => {
    const f = fixture((a: number, b: number) => a + b);

    const result = await f.executor.delay(f.name, 2, 3);

    expect(await result.get()).toBe(5);
    expect(f.steps).toEqual([...PUBLISH, ...SUCCESS_ATTEMPT]);
    const [success] = f.recorder.eventsOf('task_success');
    expect(success).toMatchObject({ signal: 'task_success', sender: f.name, taskId: result.id, args: [2, 3], result: 5 });
    expect(success?.runtimeMs).toBeGreaterThanOrEqual(0);
    expect(f.recorder.eventsOf('task_postrun')).toEqual([
      expect.objectContaining({ taskId: result.id, retval: 5, state: TaskState.SUCCESS }),
    ]);
    expect(f.recorder.eventsOf('after_task_publish')).toEqual([
      expect.objectContaining({ taskId: result.id, args: [2, 3], queue: 'default' }),
    ]);
  });

  it('retries twice on an autoretryFor error, then succeeds', async () => {
    let calls = 0;
    const f = fixture(
      () => {
        calls += 1;
        if (calls <= 2) throw new SmtpError(`smtp down ${calls}`);
        return 'sent';
      },
      { maxRetries: 2, autoretryFor: [SmtpError], retryBackoff: { type: 'fixed', delayMs: 7 } },
    );

    const result = await f.executor.delay(f.name, 'a@b.c');

    expect(await result.get()).toBe('sent');
    expect(await result.state()).toBe(TaskState.SUCCESS);
    expect(f.steps).toEqual([...PUBLISH, ...RETRY_ATTEMPT, ...RETRY_ATTEMPT, ...SUCCESS_ATTEMPT]);
    expect(f.recorder.eventsOf('task_retry').map((e) => [e.attempt, e.delayMs, e.error.message])).toEqual([
      [1, 7, 'smtp down 1'],
      [2, 7, 'smtp down 2'],
    ]);
    expect(f.recorder.eventsOf('task_received').map((e) => e.request.retries)).toEqual([0, 1, 2]);
    expect(f.recorder.eventsOf('task_postrun').map((e) => e.state)).toEqual([TaskState.RETRY, TaskState.RETRY, TaskState.SUCCESS]);
    expect(f.recorder.eventsOf('task_failure')).toEqual([]);
  });

  it('fails for good on an error not listed in autoretryFor', async () => {
    const thrown = new TemplateError('template "welcome" not found');
    const f = fixture(
      () => {
        throw thrown;
      },
      { maxRetries: 3, autoretryFor: [SmtpError] },
    );

    const result = await f.executor.delay(f.name);

    expect(f.steps).toEqual([...PUBLISH, ...FAILURE_ATTEMPT]);
    const [failure] = f.recorder.eventsOf('task_failure');
    expect(failure).toMatchObject({ taskId: result.id, attempts: 1 });
    expect(failure?.error).toBe(thrown);
    expect(f.recorder.eventsOf('task_postrun')[0]).toMatchObject({ retval: thrown, state: TaskState.FAILURE });
    const error = await rejectionOf(result.get());
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({ name: 'TemplateError', message: 'template "welcome" not found', taskId: result.id, taskName: f.name });
    expect(await result.state()).toBe(TaskState.FAILURE);
  });

  it('fails once the retries are used up: one task_retry, then task_failure with attempts 2', async () => {
    const f = fixture(
      () => {
        throw new SmtpError('smtp down');
      },
      { maxRetries: 1, autoretryFor: [SmtpError] },
    );

    const result = await f.executor.delay(f.name);

    expect(f.steps).toEqual([...PUBLISH, ...RETRY_ATTEMPT, ...FAILURE_ATTEMPT]);
    expect(f.recorder.eventsOf('task_retry').map((e) => e.attempt)).toEqual([1]);
    expect(f.recorder.eventsOf('task_failure').map((e) => e.attempts)).toEqual([2]);
    expect(await rejectionOf(result.get())).toMatchObject({ name: 'SmtpError', message: 'smtp down' });
  });

  it('maxRetries 0 (the default) never retries, even an autoretryFor error', async () => {
    const f = fixture(
      () => {
        throw new SmtpError('smtp down');
      },
      { autoretryFor: [SmtpError] },
    );

    await f.executor.delay(f.name);

    expect(f.steps).toEqual([...PUBLISH, ...FAILURE_ATTEMPT]);
  });

  it('an async body that rejects is traced like a sync throw', async () => {
    const f = fixture(async () => {
      await Promise.resolve();
      throw new SmtpError('late failure');
    }, { maxRetries: 1, autoretryFor: [SmtpError] });

    const result = await f.executor.delay(f.name);

    expect(f.steps).toEqual([...PUBLISH, ...RETRY_ATTEMPT, ...FAILURE_ATTEMPT]);
    expect(await rejectionOf(result.get())).toMatchObject({ name: 'SmtpError', message: 'late failure' });
  });
});
