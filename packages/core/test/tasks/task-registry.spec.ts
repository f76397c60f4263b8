import { Task } from '../../src/decorators';
import { DuplicateTaskError } from '../../src/errors';
import type { TaskHandler } from '../../src/tasks/task-definition';
import { TaskRegistry } from '../../src/tasks/task-registry';
import { thrownBy } from '../support/rejection';

/** Calls a registered handler the way an executor does: detached from its object. */
function call(handler: TaskHandler | undefined, ...args: unknown[]): unknown {
  if (!handler) throw new Error('no such task');
  return (handler as (...a: unknown[]) => unknown)(...args);
}

class ReportTasks {
  readonly prefix = 'report';

  @Task()
  build(id: number): string {
    return `${this.prefix}-${id}`;
  }

  @Task({ name: 'reports.mail', queue: 'emails', maxRetries: 5 })
  mail(): string {
    return this.prefix;
  }

  notATask(): string {
    return 'plain';
  }

  get broken(): never {
    throw new Error('getters must not be read while registering');
  }
}

class BaseTasks {
  protected readonly greeting: string = 'base';

  @Task()
  greet(name: string): string {
    return `${this.greeting} ${name}`;
  }

  @Task()
  overridden(): string {
    return 'base version';
  }
}

class ChildTasks extends BaseTasks {
  protected override readonly greeting = 'child';

  @Task()
  override overridden(): string {
    return 'child version';
  }
}

class FirstOwner {
  @Task('shared.name')
  run(): void {}
}

class SecondOwner {
  @Task({ name: 'shared.name' })
  execute(): void {}
}

describe('TaskRegistry', () => {
  it('registers the @Task methods of an instance under their default or explicit names', () => {
    const registry = new TaskRegistry();

    const added = registry.registerInstance(new ReportTasks());

    expect(added.map((task) => task.name).sort()).toEqual(['ReportTasks.build', 'reports.mail']);
    expect(registry.names().sort()).toEqual(['ReportTasks.build', 'reports.mail']);
    expect(registry.get('ReportTasks.notATask')).toBeUndefined();
    expect(registry.get('ReportTasks.build')?.source).toBe('ReportTasks#build');
  });

  it('binds each handler to its instance, which also holds the hooks', () => {
    const registry = new TaskRegistry();
    const instance = new ReportTasks();
    registry.registerInstance(instance);

    expect(call(registry.get('ReportTasks.build')?.handler, 7)).toBe('report-7');
    expect(call(registry.get('reports.mail')?.handler)).toBe('report');
    expect(registry.get('reports.mail')?.hooks).toBe(instance);
  });

  it('registers inherited methods, bound to the subclass instance', () => {
    const registry = new TaskRegistry();

    registry.registerInstance(new ChildTasks());

    expect(registry.names().sort()).toEqual(['BaseTasks.greet', 'ChildTasks.overridden']);
    expect(call(registry.get('BaseTasks.greet')?.handler, 'ann')).toBe('child ann');
    expect(registry.get('BaseTasks.greet')?.source).toBe('ChildTasks#greet');
    expect(call(registry.get('ChildTasks.overridden')?.handler)).toBe('child version');
  });

  it('refuses a name used twice, naming both sources', () => {
    const registry = new TaskRegistry();
    registry.registerInstance(new FirstOwner());

    const error = thrownBy(() => registry.registerInstance(new SecondOwner()));

    expect(error).toBeInstanceOf(DuplicateTaskError);
    expect(error).toMatchObject({ taskName: 'shared.name', first: 'FirstOwner#run', second: 'SecondOwner#execute' });
    expect(error.message).toContain('FirstOwner#run');
    expect(error.message).toContain('SecondOwner#execute');
    expect(registry.get('shared.name')?.source).toBe('FirstOwner#run');
  });

  it('refuses the same instance class registered twice', () => {
    const registry = new TaskRegistry();
    registry.registerInstance(new FirstOwner());

    expect(() => registry.registerInstance(new FirstOwner())).toThrow(DuplicateTaskError);
  });

  it('refuses a plain function under a taken name, naming its source', () => {
    const registry = new TaskRegistry();
    registry.registerInstance(new FirstOwner());

    const error = thrownBy(() => registry.register(() => 1, { name: 'shared.name', source: 'sms.ts' }));

    expect(error).toMatchObject({ name: 'DuplicateTaskError', first: 'FirstOwner#run', second: 'sms.ts' });
  });

  it('merges the registry defaults under each task options', () => {
    const registry = new TaskRegistry({ maxRetries: 2, timeLimitMs: 5000 });
    registry.registerInstance(new ReportTasks());

    expect(registry.get('ReportTasks.build')?.options).toMatchObject({ maxRetries: 2, timeLimitMs: 5000, queue: 'default' });
    expect(registry.get('reports.mail')?.options).toMatchObject({ maxRetries: 5, timeLimitMs: 5000, queue: 'emails' });
  });

  it('defaults to queue "default" and maxRetries 0 without registry defaults', () => {
    const registry = new TaskRegistry();

    const task = registry.register(() => 1, { name: 'plain.task' });

    expect(task.options).toMatchObject({ queue: 'default', maxRetries: 0 });
    expect(task.source).toBe('plain.task');
    expect(task.hooks).toBeUndefined();
  });

  it('lists each queue once', () => {
    const registry = new TaskRegistry();
    registry.registerInstance(new ReportTasks());
    registry.register(() => 1, { name: 'sms.send', queue: 'emails' });
    registry.register(() => 1, { name: 'sms.bulk', queue: 'bulk' });

    expect(registry.queues().sort()).toEqual(['bulk', 'default', 'emails']);
    expect(new TaskRegistry().queues()).toEqual([]);
  });
});
