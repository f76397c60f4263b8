import { DuplicateTaskError } from '../errors';
import { TasksMetadata } from '../metadata';
import type { TaskDefinition, TaskHandler } from './task-definition';
import type { TaskHooks } from './task-hooks';
import type { TaskOptions } from './task-options';

/** Queue used by tasks that name none. */
export const DEFAULT_QUEUE = 'default';

/** Options of a task registered without a decorator. */
export interface RegisterTaskOptions extends TaskOptions {
  name: string;
  hooks?: TaskHooks;
  /** Where the task comes from, for error messages. Default: the name. */
  source?: string;
}

/**
 * The tasks one process knows by name. Executors look tasks up here; publishers
 * use it for a task's default queue and options when it is known.
 *
 * @example
 * const registry = new TaskRegistry({ maxRetries: 2 });
 * registry.registerInstance(new EmailTasks());            // every @Task() method
 * registry.register(sendSms, { name: 'sms.send' });        // a plain function
 */
export class TaskRegistry {
  private readonly tasks = new Map<string, TaskDefinition>();

  /** @param defaults options applied to every task that does not set them. */
  constructor(private readonly defaults: Readonly<TaskOptions> = {}) {}

  /** Registers a plain function as a task. */
  register(handler: TaskHandler, options: RegisterTaskOptions): TaskDefinition {
    const { hooks, source, ...taskOptions } = options;
    return this.add({
      name: options.name,
      handler,
      options: this.withDefaults(taskOptions),
      hooks,
      source: source ?? options.name,
    });
  }

  /**
   * Registers every `@Task()` method of `instance`, bound to it, with the
   * instance as the holder of the class hooks.
   */
  registerInstance(instance: object): TaskDefinition[] {
    const className = instance.constructor?.name ?? 'Object';
    const added: TaskDefinition[] = [];
    for (const methodName of methodNamesOf(instance)) {
      const method: unknown = (instance as Record<string, unknown>)[methodName];
      const metadata = TasksMetadata.getTaskMetadata(method);
      if (!metadata || typeof method !== 'function') continue;
      added.push(
        this.add({
          name: metadata.name,
          handler: (method as TaskHandler).bind(instance),
          options: this.withDefaults(metadata.options),
          hooks: instance as TaskHooks,
          source: `${className}#${methodName}`,
        }),
      );
    }
    return added;
  }

  /** The task registered under `name`, if any. */
  get(name: string): TaskDefinition | undefined {
    return this.tasks.get(name);
  }

  /** Names of every registered task. */
  names(): string[] {
    return [...this.tasks.keys()];
  }

  /** Queues the registered tasks publish to. */
  queues(): string[] {
    return [...new Set([...this.tasks.values()].map((task) => task.options.queue))];
  }

  private add(definition: TaskDefinition): TaskDefinition {
    const existing = this.tasks.get(definition.name);
    if (existing) throw new DuplicateTaskError(definition.name, existing.source, definition.source);
    this.tasks.set(definition.name, definition);
    return definition;
  }

  private withDefaults(options: Readonly<TaskOptions>): TaskDefinition['options'] {
    const merged = { ...this.defaults, ...options };
    return { ...merged, queue: merged.queue ?? DEFAULT_QUEUE, maxRetries: merged.maxRetries ?? 0 };
  }
}

/** Method names along the prototype chain, nearest first, without Object's own. */
function methodNamesOf(instance: object): string[] {
  const names = new Set<string>();
  for (let proto = Object.getPrototypeOf(instance); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (name !== 'constructor' && descriptor && typeof descriptor.value === 'function') names.add(name);
    }
  }
  return [...names];
}
