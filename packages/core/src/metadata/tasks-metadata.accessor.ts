import { ON_SIGNAL_METADATA, TASK_METADATA } from './constants';
import type { SignalHandlerMetadata, TaskMetadata } from './types';

// `Reflect.getOwnMetadata` throws on primitives; discovery walks arbitrary
// provider members, so a non-object simply has no metadata.
function isMetadataTarget(target: unknown): target is object {
  return typeof target === 'function' || (typeof target === 'object' && target !== null);
}

/**
 * The one reader of `@Task()` / `@OnSignal()` metadata. `target` is the method
 * function itself (`instance[methodName]`), where the decorators store it.
 */
export const TasksMetadata = Object.freeze({
  /** Whether `target` is a method decorated with `@Task()`. */
  isTask(target: unknown): boolean {
    return isMetadataTarget(target) && Reflect.hasOwnMetadata(TASK_METADATA, target);
  },

  /** The `@Task()` metadata of `target`, or `undefined` when it is not a task. */
  getTaskMetadata(target: unknown): TaskMetadata | undefined {
    if (!isMetadataTarget(target)) return undefined;
    return Reflect.getOwnMetadata(TASK_METADATA, target) as TaskMetadata | undefined;
  },

  /** The `@OnSignal()` entries of `target` in source order (top to bottom); a fresh array. */
  getSignalHandlers(target: unknown): SignalHandlerMetadata[] {
    if (!isMetadataTarget(target)) return [];
    const handlers = Reflect.getOwnMetadata(ON_SIGNAL_METADATA, target) as readonly SignalHandlerMetadata[] | undefined;
    return handlers === undefined ? [] : [...handlers];
  },
});
