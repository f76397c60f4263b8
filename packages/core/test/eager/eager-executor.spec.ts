import { TaskContext } from '../../src/context/task-context';
import { EagerExecutor } from '../../src/eager/eager-executor';
import { SerializationError, TaskFailedError, TaskTimeoutError, UnknownTaskError } from '../../src/errors';
import { afterTaskPublish, beforeTaskPublish } from '../../src/signals';
import { TaskRegistry } from '../../src/tasks/task-registry';
import { TaskState } from '../../src/tasks/task-state';
import { useEagerFixtures } from '../support/eager-fixture';
import { rejectionOf } from '../support/rejection';
import { PUBLISH, SUCCESS_ATTEMPT, TraceRecorder } from '../support/trace-recorder';
import { uniqueTaskName } from '../support/unique-name';

describe('EagerExecutor', () => {
  const fixture = useEagerFixtures();
  const cleanups: (() => unknown)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  describe('before_task_publish', () => {
    it('lets receivers change headers and options, and the task sees the result', async () => {
      const f = fixture(() => {
        const { headers, queue } = TaskContext.current();
        return { headers, queue };
      });
      cleanups.push(
        beforeTaskPublish.connect(
          (event) => {
            event.headers.tenant = 't-42';
            event.options.queue = 'priority';
          },
          { sender: f.name },
        ),
      );

      const result = await f.executor.applyAsync(f.name, [], { headers: { traceId: 'abc' } });

      expect(await result.get()).toEqual({ headers: { traceId: 'abc', tenant: 't-42' }, queue: 'priority' });
      expect(f.recorder.eventsOf('after_task_publish')[0]).toMatchObject({ headers: { traceId: 'abc', tenant: 't-42' }, queue: 'priority' });
      expect(f.recorder.eventsOf('task_received')[0]?.request).toMatchObject({ queue: 'priority', headers: { tenant: 't-42' } });
    });

    it('takes headers a receiver put in place of options.headers', async () => {
      const f = fixture(() => TaskContext.current().headers);
      cleanups.push(
        beforeTaskPublish.connect(
          (event) => {
            event.options.headers = { ...event.options.headers, replaced: true };
          },
          { sender: f.name },
        ),
      );

      const result = await f.executor.applyAsync(f.name, [], { headers: { kept: 1 } });

      expect(await result.get()).toEqual({ kept: 1, replaced: true });
    });

    it('gets the task id, the copied arguments and the options of the call', async () => {
      const f = fixture(() => 'ok');

      const result = await f.executor.applyAsync(f.name, [{ to: 'a@b.c' }], { taskId: 'fixed-id-1', priority: 3 });

      expect(result.id).toBe('fixed-id-1');
      expect(f.recorder.eventsOf('before_task_publish')[0]).toMatchObject({
        sender: f.name,
        taskId: 'fixed-id-1',
        args: [{ to: 'a@b.c' }],
        options: { taskId: 'fixed-id-1', priority: 3 },
      });
    });
  });

  it('refuses an argument JSON can not carry before any signal fires', async () => {
    const f = fixture(() => 'never');

    const error = await rejectionOf(f.executor.delay(f.name, () => 'callback'));

    expect(error).toBeInstanceOf(SerializationError);
    expect(error).toMatchObject({ path: 'args[0]' });
    expect(f.steps).toEqual([]);
  });

  it('fires task_unknown for a name nobody registered, and get() rejects with UnknownTaskError', async () => {
    const name = uniqueTaskName('eager.unknown');
    const recorder = new TraceRecorder(name);
    cleanups.push(() => recorder.close());
    const executor = new EagerExecutor(new TaskRegistry());

    const result = await executor.delay(name, 1);

    expect(recorder.steps).toEqual([...PUBLISH, 'task_unknown']);
    const [unknown] = recorder.eventsOf('task_unknown');
    expect(unknown).toMatchObject({ sender: name, name, taskId: result.id });
    expect(unknown?.error).toBeInstanceOf(UnknownTaskError);
    const error = await rejectionOf(result.get());
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error.name).toBe('UnknownTaskError');
    expect(error.message).toContain(`No task named "${name}"`);
    expect(await result.state()).toBe(TaskState.FAILURE);
  });

  it('runs a task id only once', async () => {
    let runs = 0;
    const f = fixture(() => ++runs);

    const first = await f.executor.applyAsync(f.name, [], { taskId: 'same-id' });
    const second = await f.executor.applyAsync(f.name, [], { taskId: 'same-id' });

    expect(runs).toBe(1);
    expect(second.id).toBe(first.id);
    expect(await second.get()).toBe(1);
    expect(f.steps.filter((step) => step === 'task_received')).toHaveLength(1);
  });

  it('keeps the results of the latest keepResults tasks only', async () => {
    const registry = new TaskRegistry();
    const name = uniqueTaskName('eager.kept');
    registry.register((n: number) => n, { name });
    const executor = new EagerExecutor(registry, 2);

    const results = [];
    for (const n of [1, 2, 3]) results.push(await executor.delay(name, n));

    expect(await results[0]!.state()).toBe(TaskState.PENDING);
    await expect(results[0]!.get()).rejects.toMatchObject({ name: 'TaskTimeoutError', message: expect.stringMatching(/keeps the results of the latest 2 tasks.*larger keepResults/) });
    await expect(executor.result('never-ran').get()).rejects.toThrow(/no result in this EagerExecutor/);
    expect(await results[1]!.get()).toBe(2);
    expect(await results[2]!.get()).toBe(3);
  });

  it('keeps exactly the latest keepResults over many tasks, oldest dropped first', async () => {
    const registry = new TaskRegistry();
    const name = uniqueTaskName('eager.kept_many');
    registry.register((n: number) => n, { name });
    const executor = new EagerExecutor(registry, 3);

    const results = [];
    for (let n = 0; n < 2_500; n++) results.push(await executor.delay(name, n));

    expect(await Promise.all(results.slice(-4).map((result) => result.state()))).toEqual([TaskState.PENDING, TaskState.SUCCESS, TaskState.SUCCESS, TaskState.SUCCESS]);
    expect(await results[2_499]!.get()).toBe(2_499);
    expect(await results[0]!.state()).toBe(TaskState.PENDING);
  });

  it('runs the same task again under a new id', async () => {
    let runs = 0;
    const f = fixture(() => ++runs);

    const first = await f.executor.delay(f.name);
    const second = await f.executor.delay(f.name);

    expect(second.id).not.toBe(first.id);
    expect([await first.get(), await second.get()]).toEqual([1, 2]);
    expect(f.steps).toEqual([...PUBLISH, ...SUCCESS_ATTEMPT, ...PUBLISH, ...SUCCESS_ATTEMPT]);
  });

  describe('state()', () => {
    it('is SUCCESS after a task succeeded, also through result(id)', async () => {
      const f = fixture(() => 'ok');

      const result = await f.executor.delay(f.name);

      expect(await result.state()).toBe(TaskState.SUCCESS);
      expect(await f.executor.result(result.id).state()).toBe(TaskState.SUCCESS);
      expect(await f.executor.result(result.id).get()).toBe('ok');
    });

    it('is FAILURE after a task failed', async () => {
      const f = fixture(() => {
        throw new Error('broken');
      });

      const result = await f.executor.delay(f.name);

      expect(await result.state()).toBe(TaskState.FAILURE);
    });

    it('is PENDING for an id nobody knows, whose get() times out', async () => {
      const executor = new EagerExecutor(new TaskRegistry());
      const result = executor.result('no-such-id');

      expect(await result.state()).toBe(TaskState.PENDING);
      const error = await rejectionOf(result.get({ timeoutMs: 50 }));
      expect(error).toBeInstanceOf(TaskTimeoutError);
      expect(error).toMatchObject({ taskId: 'no-such-id', timeoutMs: 50 });
    });
  });

  it('hands the body a copy of the arguments, and the caller a copy of the result', async () => {
    const shared = { tags: ['a'] };
    const f = fixture((input: { tags: string[] }) => {
      input.tags.push('changed by the task');
      return shared;
    });
    const argument = { tags: ['x'] };

    const result = await f.executor.delay(f.name, argument);
    const value = (await result.get()) as { tags: string[] };
    value.tags.push('changed by the caller');

    expect(argument).toEqual({ tags: ['x'] });
    expect(shared).toEqual({ tags: ['a'] });
  });

  it('gives the body its own arguments when a publish receiver saw them: neither side sees the other change them', async () => {
    const seenAtPublish: { tags: string[] }[] = [];
    const f = fixture((input: { tags: string[] }) => {
      input.tags.push('changed by the task');
      return input.tags;
    });
    cleanups.push(afterTaskPublish.connect((event) => {
      const [input] = event.args as [{ tags: string[] }];
      seenAtPublish.push(input);
      input.tags.push('changed by a receiver');
    }, { sender: f.name }));

    const result = await f.executor.delay(f.name, { tags: ['x'] });

    expect(await result.get()).toEqual(['x', 'changed by the task']);
    expect(seenAtPublish).toEqual([{ tags: ['x', 'changed by a receiver'] }]);
  });

  it('forgets its results on close()', async () => {
    const f = fixture(() => 'ok');
    const result = await f.executor.delay(f.name);

    await f.executor.close();

    expect(await result.state()).toBe(TaskState.PENDING);
  });
});
