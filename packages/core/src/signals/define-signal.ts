import { SignalAlreadyDefinedError } from '../errors/signal-already-defined.error';
import { UnknownSignalError } from '../errors/unknown-signal.error';
import type { ClusterInterest } from './cluster-hub';
import { Signal, type SignalScope } from './signal';

/** Options of {@link defineSignal}. */
export interface DefineSignalOptions {
  /**
   * `'process'` (default, Celery's semantics): receivers in this process only.
   * `'cluster'`: `send()` also reaches the receivers of every other process on the
   * same Redis and prefix; the payload must then be JSON.
   */
  scope?: SignalScope;
}

/** Every signal of the process by name: names are unique, built-in or custom. */
const signalsByName = new Map<string, Signal<object>>();

/**
 * Defines a signal. Names are unique in the process: defining a name twice, or a
 * built-in name, throws {@link SignalAlreadyDefinedError}.
 *
 * To type `@OnSignal('order_placed')` and `SignalBus.send('order_placed', …)` by
 * name, also add the signal to {@link SignalMap}.
 *
 * @example
 * export interface OrderPlaced { orderId: string; total: number }
 * export const orderPlaced = defineSignal<OrderPlaced>('order_placed');
 * declare module '@tasks/core' { interface SignalMap { order_placed: OrderPlaced } }
 *
 * // Heard by the receivers of every process on the same Redis and prefix:
 * export const orderPaid = defineSignal<OrderPaid>('order_paid', { scope: 'cluster' });
 */
export function defineSignal<Payload extends object>(name: string, options: DefineSignalOptions = {}): Signal<Payload> {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new TypeError(`defineSignal(): the name must be a non-empty string, got ${JSON.stringify(name)}.`);
  }
  const scope = options.scope ?? 'process';
  if (scope !== 'process' && scope !== 'cluster') {
    throw new TypeError(`defineSignal('${name}'): scope must be 'process' or 'cluster', got ${JSON.stringify(scope)}.`);
  }
  if (signalsByName.has(name)) throw new SignalAlreadyDefinedError(name);
  const signal = new Signal<Payload>(name, scope);
  // Stored untyped: code that looks a signal up by name checks payloads through SignalMap.
  signalsByName.set(name, signal as unknown as Signal<object>);
  return signal;
}

/** The signal defined with this name, if any. */
export function findSignal(name: string): Signal<object> | undefined {
  return signalsByName.get(name);
}

/**
 * The signal defined with this name; throws {@link UnknownSignalError} (naming
 * `source`, the class and method that asked, when given) if there is none.
 */
export function requireSignal(name: string, source?: string): Signal<object> {
  const signal = signalsByName.get(name);
  if (!signal) throw new UnknownSignalError(name, source);
  return signal;
}

/** @internal Every signal defined so far, built-in and custom. */
export function definedSignals(): IterableIterator<Signal<object>> {
  return signalsByName.values();
}

/**
 * @internal What this process's receivers want from other processes: for each
 * signal, the senders its cluster receivers filter on (no sender: all). A
 * `scope: 'cluster'` signal counts with all its receivers, a process-scoped one
 * with those connected with `scope: 'cluster'`.
 */
export function localClusterInterests(): ClusterInterest[] {
  const interests: ClusterInterest[] = [];
  for (const signal of signalsByName.values()) interests.push(...signal.clusterInterests());
  return interests;
}
