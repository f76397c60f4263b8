import { disableTaskContext, TaskContext } from '../../src/context/task-context';
import { TaskContextError } from '../../src/errors';
import { deferred } from '../support/deferred';
import { useEagerFixtures } from '../support/eager-fixture';
import { thrownBy } from '../support/rejection';

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TaskContext', () => {
  const fixture = useEagerFixtures();

  it('current() throws a TaskContextError outside a task; find() returns undefined', () => {
    const error = thrownBy(() => TaskContext.current());

    expect(error).toBeInstanceOf(TaskContextError);
    expect(error.message).toContain('outside a running task');
    expect(TaskContext.find()).toBeUndefined();
  });

  it('describes the running attempt inside the body', async () => {
    const f = fixture(
      () => {
        const { id, name, args, retries, maxRetries, queue, headers, abortSignal } = TaskContext.current();
        return { id, name, args, retries, maxRetries, queue, headers, aborted: abortSignal.aborted };
      },
      { queue: 'emails', maxRetries: 4 },
    );

    const result = await f.executor.applyAsync(f.name, ['a@b.c', 2], { headers: { traceId: 't1' } });

    expect(await result.get()).toEqual({
      id: result.id,
      name: f.name,
      args: ['a@b.c', 2],
      retries: 0,
      maxRetries: 4,
      queue: 'emails',
      headers: { traceId: 't1' },
      aborted: false,
    });
  });

  it('is current again in the next attempt after disableTaskContext() turned its storage off between tasks', async () => {
    const f = fixture(async () => {
      await nextTick();
      return TaskContext.current().id;
    });
    const before = await f.executor.delay(f.name);
    expect(await before.get()).toBe(before.id);

    disableTaskContext();
    expect(TaskContext.find()).toBeUndefined();

    const after = await f.executor.delay(f.name);
    expect(await after.get()).toBe(after.id);
  });

  it('is still current after setImmediate and in nested async functions the body awaits', async () => {
    const readLater = async (): Promise<string> => {
      await nextTick();
      const inner = async () => {
        await Promise.resolve();
        return TaskContext.current().id;
      };
      return inner();
    };
    const f = fixture(async () => {
      await nextTick();
      const afterTick = TaskContext.current().id;
      const nested = await readLater();
      const inTimerCallback = await new Promise<string>((resolve) => setImmediate(() => resolve(TaskContext.current().id)));
      return [afterTick, nested, inTimerCallback];
    });

    const result = await f.executor.delay(f.name);

    expect(await result.get()).toEqual([result.id, result.id, result.id]);
  });

  it('gives concurrent tasks each their own context', async () => {
    const started = { a: deferred(), b: deferred() };
    const release = { a: deferred(), b: deferred() };
    const f = fixture(async (key: 'a' | 'b') => {
      const before = TaskContext.current().id;
      started[key].resolve();
      await release[key].promise;
      return { key, before, after: TaskContext.current().id, args: TaskContext.current().args };
    });

    const calls = Promise.all([f.executor.delay(f.name, 'a'), f.executor.delay(f.name, 'b')]);
    await Promise.all([started.a.promise, started.b.promise]);
    release.b.resolve();
    release.a.resolve();
    const [a, b] = await calls;

    expect(await a.get()).toEqual({ key: 'a', before: a.id, after: a.id, args: ['a'] });
    expect(await b.get()).toEqual({ key: 'b', before: b.id, after: b.id, args: ['b'] });
    expect(a.id).not.toBe(b.id);
  });

  it('does not leak out of the task into the caller', async () => {
    const f = fixture(() => TaskContext.current().id);

    await f.executor.delay(f.name);

    expect(TaskContext.find()).toBeUndefined();
    expect(() => TaskContext.current()).toThrow(TaskContextError);
  });

  it('counts retries across attempts', async () => {
    const seen: number[] = [];
    const f = fixture(
      () => {
        const context = TaskContext.current();
        seen.push(context.retries);
        return context.retries < 2 ? context.retry({ delayMs: 0 }) : 'done';
      },
      { maxRetries: 3 },
    );

    await f.executor.delay(f.name);

    expect(seen).toEqual([0, 1, 2]);
  });
});
