import { InvalidTaskDefinitionError } from '../errors/invalid-task-definition.error';
import { ON_SIGNAL_METADATA } from '../metadata/constants';
import { TasksMetadata } from '../metadata/tasks-metadata.accessor';
import type { SignalHandlerMetadata } from '../metadata/types';
import { resolveMethodTarget } from './method-target';
import { show } from './show-value';
import type { SignalScope } from '../signals/signal';
import type { SignalRef } from '../signals/signal-map';


/** Filters of an `@OnSignal()` receiver, as in `signal.connect(receiver, options)`. */
export interface OnSignalOptions {
  /** Only receive sends from this sender; for task signals the sender is the task name. */
  sender?: string;
  /** Connect at most one receiver under this id, wherever it is declared. */
  dispatchUid?: string;
  /**
   * `'cluster'`: hear the signal as sent in any process on the same Redis and
   * prefix (a `RemoteSignalEvent`, delivered from Redis). Default: `'process'`.
   */
  scope?: SignalScope;
}

const DECORATOR = '@OnSignal()';

/**
 * Connects a provider method as a receiver of a signal when the app starts.
 *
 * Stackable: each `@OnSignal()` adds one connection, kept in source order.
 * The receiver gets one object, the payload plus `signal` and `sender`; async
 * receivers are awaited, and a receiver that throws never breaks the sender.
 * Misuse (a getter, a property, a class, a static method, an empty name) throws
 * an `InvalidTaskDefinitionError` naming the class and method when the class is declared.
 *
 * @param signal a signal name, or the object returned by `defineSignal()`.
 * @param options `sender` to receive only that sender's sends, `dispatchUid` to connect once,
 *   `scope: 'cluster'` to hear sends of every process on the same Redis and prefix.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class Audit {
 *   @OnSignal('task_success', { sender: 'emails.send' })
 *   @OnSignal('task_failure', { sender: 'emails.send' })
 *   emailFinished(event: SignalEvent<'task_success'> | SignalEvent<'task_failure'>) { … }
 *
 *   @OnSignal(orderPlaced, { dispatchUid: 'audit.placed' })
 *   placed(event: SignalEvent<'order_placed'>) { … }
 *
 *   // In an API process, the task_success of billing.charge fired in any worker:
 *   @OnSignal('task_success', { sender: 'billing.charge', scope: 'cluster' })
 *   charged(event: RemoteSignalEvent<'task_success'>) { … }
 * }
 * ```
 */
export function OnSignal(signal: SignalRef, options?: OnSignalOptions): MethodDecorator {
  return (target: object, propertyKey: string | symbol | undefined, descriptor?: PropertyDescriptor): void => {
    const { className, methodName, method } = resolveMethodTarget(DECORATOR, target, propertyKey, descriptor);
    const invalid = (reason: string) => new InvalidTaskDefinitionError(className, methodName, reason, DECORATOR);

    const name = signalNameOf(signal);
    if (name === undefined) {
      throw invalid(`expects a signal name or a signal object from defineSignal(), got ${show(signal)}.`);
    }
    const entry = handlerEntry(name, options, invalid);
    // Decorators run bottom-up, so prepending keeps the list in source order.
    const existing = TasksMetadata.getSignalHandlers(method);
    if (existing.some((e) => e.signal === entry.signal && e.sender === entry.sender && e.dispatchUid === entry.dispatchUid && e.scope === entry.scope)) {
      throw invalid(`it receives '${entry.signal}' twice with the same options; remove one of the identical @OnSignal() lines.`);
    }
    Reflect.defineMetadata(ON_SIGNAL_METADATA, Object.freeze([entry, ...existing]), method);
  };
}

// Typed loosely on purpose, so narrowing `SignalRef` does not touch this check.
function signalNameOf(signal: unknown): string | undefined {
  const name = typeof signal === 'string' ? signal : typeof signal === 'object' && signal !== null ? (signal as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.trim() !== '' ? name : undefined;
}

function handlerEntry(signal: string, options: unknown, invalid: (reason: string) => Error): SignalHandlerMetadata {
  if (options === undefined) return Object.freeze({ signal });
  if (typeof options !== 'object' || options === null) throw invalid(`options must be an object like { sender, dispatchUid, scope }, got ${show(options)}.`);
  const { sender, dispatchUid, scope } = options as OnSignalOptions;
  if (scope !== undefined && scope !== 'process' && scope !== 'cluster') {
    throw invalid(`scope must be 'process' or 'cluster', got ${show(scope)}.`);
  }
  for (const [key, value] of [['sender', sender], ['dispatchUid', dispatchUid]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      throw invalid(`${key} must be a non-empty string or left out, got ${show(value)}.`);
    }
  }
  return Object.freeze({
    signal,
    ...(sender === undefined ? {} : { sender }),
    ...(dispatchUid === undefined ? {} : { dispatchUid }),
    ...(scope === undefined || scope === 'process' ? {} : { scope }),
  });
}
