import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
// The only deep import of Nest internals in this package: the wrapper type
// DiscoveryService hands out.
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { TasksMetadata, type SignalHandlerMetadata } from '@tasks/core/internal';
import { TASKS_LOGGER_CONTEXT } from './tasks.constants';

/** A decorated method found on a provider or controller instance. */
interface DiscoveredMethod {
  /** The provider instance the method runs on. */
  readonly instance: object;
  /** `Class#method`, for logs and errors. */
  readonly source: string;
  readonly method: (...args: never[]) => unknown;
}

/** A method with one or more `@OnSignal()`. */
export interface DiscoveredReceiver extends DiscoveredMethod {
  readonly handlers: readonly SignalHandlerMetadata[];
}

/** What the app declares: the instances that hold its tasks, and its signal receivers. */
export interface DiscoveredTasks {
  /** Provider and controller instances with at least one `@Task()` method, for `TaskRegistry.registerInstance`. */
  readonly taskHolders: readonly object[];
  readonly receivers: readonly DiscoveredReceiver[];
}

/**
 * Finds every `@Task()` and `@OnSignal()` method on the app's providers and
 * controllers, however they were made (class, `useFactory`, `useValue`).
 * Request-scoped and transient providers have no single instance to bind to:
 * they are skipped with a warning naming each decorated method.
 */
@Injectable()
export class TasksExplorer {
  private readonly logger = new Logger(TASKS_LOGGER_CONTEXT);

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  explore(): DiscoveredTasks {
    const taskHolders = new Set<object>();
    const receivers: DiscoveredReceiver[] = [];
    // One instance can sit behind several wrappers (aliases, re-exports).
    const seen = new Set<object>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      if (wrapper.isAlias) continue;
      if (wrapper.isTransient || !wrapper.isDependencyTreeStatic()) {
        this.warnSkipped(wrapper);
        continue;
      }
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null || seen.has(instance)) continue;
      seen.add(instance);
      for (const found of this.decoratedMethods(instance)) {
        if (TasksMetadata.isTask(found.method)) taskHolders.add(instance);
        const handlers = TasksMetadata.getSignalHandlers(found.method);
        if (handlers.length > 0) receivers.push({ ...found, handlers });
      }
    }
    return { taskHolders: [...taskHolders], receivers };
  }

  private *decoratedMethods(instance: object): Iterable<DiscoveredMethod> {
    const className = classNameOf(instance);
    for (const methodName of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const method: unknown = (instance as Record<string, unknown>)[methodName];
      if (typeof method !== 'function') continue;
      if (!TasksMetadata.isTask(method) && TasksMetadata.getSignalHandlers(method).length === 0) continue;
      yield { instance, source: `${className}#${methodName}`, method: method as DiscoveredMethod['method'] };
    }
  }

  private warnSkipped(wrapper: InstanceWrapper): void {
    // Only a class can be inspected without an instance; a factory's product is unknown here.
    const type = wrapper.metatype;
    if (typeof type !== 'function' || wrapper.inject || typeof type.prototype !== 'object') return;
    const scope = wrapper.isTransient ? 'transient' : 'request-scoped (or depends on a request-scoped provider)';
    for (const methodName of this.scanner.getAllMethodNames(type.prototype as object)) {
      const method: unknown = (type.prototype as Record<string, unknown>)[methodName];
      const decorators = [TasksMetadata.isTask(method) ? '@Task()' : '', TasksMetadata.getSignalHandlers(method).length > 0 ? '@OnSignal()' : '']
        .filter(Boolean)
        .join(' and ');
      if (decorators === '') continue;
      this.logger.warn(
        `Skipped ${type.name}#${methodName} (${decorators}): ${type.name} is ${scope}. Tasks and signal receivers ` +
          `need one instance for the whole app; make ${type.name} and what it injects default-scoped.`,
      );
    }
  }
}

function classNameOf(instance: object): string {
  const name: unknown = (instance.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : 'Object';
}
