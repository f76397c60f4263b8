import { TaskContext } from '../../src/context/task-context';
import { taskSuccess } from '../../src/signals';
import { TaskState } from '../../src/tasks/task-state';
import { captureLogger } from '../signals/capture-logger';
import { useEagerFixtures } from '../support/eager-fixture';
import { rejectionOf } from '../support/rejection';
import { SmtpError } from '../support/test-errors';
import { PUBLISH, RecordingHooks } from '../support/trace-recorder';

class BrokenOnSuccess extends RecordingHooks {
  override onSuccess(): void {
    super.onSuccess();
    throw new Error('audit store offline');
  }
}

class BrokenBeforeStart extends RecordingHooks {
  override beforeStart(): void {
    super.beforeStart();
    throw new SmtpError('no connection for beforeStart');
  }
}

describe('class hooks and results in the tracer', () => {
  const fixture = useEagerFixtures();
  let log: ReturnType<typeof captureLogger>;
  beforeEach(() => {
    log = captureLogger();
  });
  afterEach(() => log.restore());

  it('runs every hook inside the task context', async () => {
    let calls = 0;
    const f = fixture(
      () => {
        calls += 1;
        if (calls === 1) throw new SmtpError('first attempt fails');
        return 'ok';
      },
      { maxRetries: 1, autoretryFor: [SmtpError] },
    );

    const result = await f.executor.delay(f.name);

    const { contexts } = f.hooks as RecordingHooks;
    expect(contexts.map((c) => c.hook)).toEqual(['beforeStart', 'onRetry', 'beforeStart', 'onSuccess', 'afterReturn']);
    expect(contexts.map((c) => c.currentId)).toEqual(Array(5).fill(result.id));
  });

  it('runs task_success receivers inside the task context', async () => {
    const f = fixture(() => 'ok');
    const seen: (string | undefined)[] = [];
    const off = taskSuccess.connect(() => void seen.push(TaskContext.find()?.id), { sender: f.name });
    try {
      const result = await f.executor.delay(f.name);
      expect(seen).toEqual([result.id]);
    } finally {
      off();
    }
  });

  it('passes the result, state and context to the hooks', async () => {
    const calls: unknown[][] = [];
    const f = fixture(() => ({ sent: 1 }), {}, () => ({
      onSuccess: (result: unknown, context: TaskContext) => void calls.push(['onSuccess', result, context.id]),
      afterReturn: (state: TaskState, retval: unknown, context: TaskContext) => void calls.push(['afterReturn', state, retval, context.id]),
    }));

    const result = await f.executor.delay(f.name);

    expect(calls).toEqual([
      ['onSuccess', { sent: 1 }, result.id],
      ['afterReturn', TaskState.SUCCESS, { sent: 1 }, result.id],
    ]);
  });

  it('a throwing onSuccess is logged and reported by task_internal_error; the task still succeeds', async () => {
    const f = fixture(() => 'delivered', {}, (steps) => new BrokenOnSuccess(steps));

    const result = await f.executor.delay(f.name);

    expect(await result.get()).toBe('delivered');
    expect(await result.state()).toBe(TaskState.SUCCESS);
    expect(f.steps).toEqual([
      ...PUBLISH,
      'task_received',
      'task_prerun',
      'beforeStart',
      'body',
      'onSuccess',
      'task_internal_error',
      'task_success',
      'afterReturn',
      'task_postrun(SUCCESS)',
    ]);
    const [internal] = f.recorder.eventsOf('task_internal_error');
    expect(internal).toMatchObject({ taskId: result.id, args: [] });
    expect(internal?.error.message).toBe('audit store offline');
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]?.message).toContain('onSuccess');
    expect(log.errors[0]?.message).toContain(f.name);
    expect(log.errors[0]?.message).toContain('audit store offline');
    expect(log.errors[0]?.stack).toContain('audit store offline');
  });

  it('a throwing beforeStart fails the attempt before the body runs', async () => {
    const f = fixture(() => 'never', {}, (steps) => new BrokenBeforeStart(steps));

    const result = await f.executor.delay(f.name);

    expect(f.steps).toEqual([
      ...PUBLISH,
      'task_received',
      'task_prerun',
      'beforeStart',
      'onFailure',
      'task_failure',
      'afterReturn',
      'task_postrun(FAILURE)',
    ]);
    expect(await rejectionOf(result.get())).toMatchObject({ name: 'SmtpError', message: 'no connection for beforeStart' });
    expect(f.recorder.eventsOf('task_internal_error')).toEqual([]);
  });

  it('a beforeStart error is retried like a body error when autoretryFor lists it', async () => {
    const f = fixture(() => 'never', { maxRetries: 1, autoretryFor: [SmtpError] }, (steps) => new BrokenBeforeStart(steps));

    await f.executor.delay(f.name);

    expect(f.recorder.eventsOf('task_retry').map((e) => e.error.name)).toEqual(['SmtpError']);
    expect(f.recorder.eventsOf('task_failure').map((e) => e.attempts)).toEqual([2]);
  });

  it('a result JSON can not carry (a Map) fails the task with a SerializationError', async () => {
    const f = fixture(() => new Map([['a', 1]]));

    const result = await f.executor.delay(f.name);

    expect(f.steps).toEqual([...PUBLISH, 'task_received', 'task_prerun', 'beforeStart', 'body', 'onFailure', 'task_failure', 'afterReturn', 'task_postrun(FAILURE)']);
    const error = await rejectionOf(result.get());
    expect(error.name).toBe('SerializationError');
    expect(error.message).toContain('Cannot send result: a Map instance is not JSON');
  });

  it('a body that returns nothing succeeds with null', async () => {
    const f = fixture(() => undefined);

    const result = await f.executor.delay(f.name);

    expect(await result.state()).toBe(TaskState.SUCCESS);
    expect(await result.get()).toBeNull();
    expect(f.recorder.eventsOf('task_success').map((e) => e.result)).toEqual([null]);
  });

  it('an async body that resolves to nothing succeeds with null', async () => {
    const f = fixture(async () => {
      await Promise.resolve();
    });

    const result = await f.executor.delay(f.name);

    expect(await result.get()).toBeNull();
  });
});
