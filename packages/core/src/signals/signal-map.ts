import type { AnySignal, Signal, SignalEventOf } from './signal';
import type { builtinSignals } from './builtins';

/** The payload type a `Signal` carries. */
type PayloadOf<S> = S extends Signal<infer Payload> ? Payload : never;

/** The built-in signals' names and payloads, read from the one catalogue, `builtinSignals`. */
type BuiltinSignalMap = { [Name in keyof typeof builtinSignals]: PayloadOf<(typeof builtinSignals)[Name]> };

/**
 * Signal names and their payloads: the built-in ones, and yours. Add your own
 * signals by declaration merging, so that they are type-checked by name wherever
 * a name is accepted:
 *
 * @example
 * declare module '@tasks/core' {
 *   interface SignalMap { order_placed: OrderPlaced }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- an interface, so users can merge into it
export interface SignalMap extends BuiltinSignalMap {}

/** A signal name known to {@link SignalMap}. */
export type SignalName = keyof SignalMap & string;

/**
 * The event a receiver of signal `Name` gets: its payload plus `signal` and `sender`.
 *
 * @example
 * @OnSignal('task_success')
 * done(event: SignalEvent<'task_success'>) { console.log(event.sender, event.runtimeMs); }
 */
export type SignalEvent<Name extends SignalName> = SignalEventOf<SignalMap[Name], Name>;

/** A signal given by name (type-checked through {@link SignalMap}) or as the object `defineSignal` returned. */
export type SignalRef = SignalName | AnySignal;
