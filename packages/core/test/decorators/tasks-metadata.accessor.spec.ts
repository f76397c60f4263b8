import { ON_SIGNAL_METADATA, TASK_METADATA, TasksMetadata } from '../../src/metadata';
import { OnSignal, Task } from '../../src/decorators';

describe('TasksMetadata', () => {
  class Jobs {
    @Task()
    run(): void {}

    @OnSignal('task_success')
    @OnSignal('task_failure')
    watch(): void {}

    plain(): void {}
  }

  it('uses namespaced keys', () => {
    expect(TASK_METADATA).toBe('tasks:task');
    expect(ON_SIGNAL_METADATA).toBe('tasks:on_signal');
  });

  it('stores metadata on the method function itself', () => {
    expect(Reflect.getOwnMetadata(TASK_METADATA, Jobs.prototype.run)).toEqual({ name: 'Jobs.run', methodName: 'run', options: {} });
    expect(Reflect.getOwnMetadata(ON_SIGNAL_METADATA, Jobs.prototype.watch)).toHaveLength(2);
  });

  it('answers for the method reached through an instance', () => {
    const jobs = new Jobs();
    expect(TasksMetadata.isTask(jobs.run)).toBe(true);
    expect(TasksMetadata.getSignalHandlers(jobs.watch).map((h) => h.signal)).toEqual(['task_success', 'task_failure']);
  });

  it('reports nothing for an undecorated method', () => {
    expect(TasksMetadata.isTask(Jobs.prototype.plain)).toBe(false);
    expect(TasksMetadata.getTaskMetadata(Jobs.prototype.plain)).toBeUndefined();
    expect(TasksMetadata.getSignalHandlers(Jobs.prototype.plain)).toEqual([]);
    expect(TasksMetadata.isTask(Jobs.prototype.watch)).toBe(false);
  });

  it.each([undefined, null, 0, 42, '', 'Jobs.run', true, Symbol('x'), 10n])('never throws on a non-object target (%p)', (target) => {
    expect(TasksMetadata.isTask(target)).toBe(false);
    expect(TasksMetadata.getTaskMetadata(target)).toBeUndefined();
    expect(TasksMetadata.getSignalHandlers(target)).toEqual([]);
  });

  it('accepts plain objects and classes that carry no metadata', () => {
    expect(TasksMetadata.isTask({})).toBe(false);
    expect(TasksMetadata.isTask(Jobs)).toBe(false);
    expect(TasksMetadata.getSignalHandlers(Jobs.prototype)).toEqual([]);
  });

  it('returns a copy of the signal handlers', () => {
    const first = TasksMetadata.getSignalHandlers(Jobs.prototype.watch);
    first.pop();
    first.push({ signal: 'intruder' });
    expect(TasksMetadata.getSignalHandlers(Jobs.prototype.watch).map((h) => h.signal)).toEqual(['task_success', 'task_failure']);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(TasksMetadata)).toBe(true);
  });
});
