import { SignalAlreadyDefinedError } from '../errors/signal-already-defined.error';
import { UnknownSignalError } from '../errors/unknown-signal.error';
import { Signal } from './signal';

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
 */
export function defineSignal<Payload extends object>(name: string): Signal<Payload> {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new TypeError(`defineSignal(): the name must be a non-empty string, got ${JSON.stringify(name)}.`);
  }
  if (signalsByName.has(name)) throw new SignalAlreadyDefinedError(name);
  const signal = new Signal<Payload>(name);
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
