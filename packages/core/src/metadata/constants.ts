// Every reader and writer of these keys imports this file, so loading the
// polyfill here guarantees `Reflect.defineMetadata` exists wherever it is used.
import 'reflect-metadata';

/** Metadata key under which `@Task()` stores a {@link TaskMetadata} on the method function. */
export const TASK_METADATA = 'tasks:task';

/** Metadata key under which `@OnSignal()` stores a `SignalHandlerMetadata[]` on the method function. */
export const ON_SIGNAL_METADATA = 'tasks:on_signal';
