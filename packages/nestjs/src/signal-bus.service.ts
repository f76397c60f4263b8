import { Injectable } from '@nestjs/common';
import {
  requireSignal,
  type ConnectOptionsIn,
  type DisconnectOptions,
  type Receiver,
  type ReceiverIn,
  type RemoteSignalEvent,
  type Signal,
  type SignalEvent,
  type SignalMap,
  type SignalName,
  type SignalResponse,
  type SignalScope,
} from '@tasks/core';
import { TasksRuntime } from './tasks.runtime';

/**
 * Sends and connects signals from a service, typed through `SignalMap`. Signals
 * are process-wide; connections made through the bus are undone when the app
 * closes, so a receiver never outlives the app that connected it.
 *
 * @example
 * @Injectable()
 * export class Checkout {
 *   constructor(private readonly signals: SignalBus) {}
 *   async place(orderId: string) {
 *     await this.signals.send(orderPlaced, 'checkout', { orderId, total: 12 });
 *   }
 * }
 */
@Injectable()
export class SignalBus {
  constructor(private readonly runtime: TasksRuntime) {}

  /**
   * Sends a signal from `sender` and resolves once every receiver settled, with
   * one response per receiver (a receiver that threw is reported, not rethrown).
   * A name no `defineSignal()` registered throws `UnknownSignalError`.
   */
  send<Name extends SignalName>(signal: Name | Signal<SignalMap[Name]>, sender: string, payload: SignalMap[Name]): Promise<readonly SignalResponse<SignalMap[Name]>[]>;
  send<Payload extends object>(signal: Signal<Payload>, sender: string, payload: NoInfer<Payload>): Promise<readonly SignalResponse<Payload>[]>;
  send(signal: string | Signal<object>, sender: string, payload: object): Promise<readonly SignalResponse<object>[]> {
    return resolveSignal(signal).send(sender, payload);
  }

  /**
   * Connects a receiver until it is disconnected or the app closes.
   * @returns a function that disconnects it and says whether it did.
   */
  connect<Name extends SignalName, Scope extends SignalScope = 'process'>(
    signal: Name,
    receiver: (event: Scope extends 'cluster' ? RemoteSignalEvent<Name> : SignalEvent<Name>) => unknown,
    options?: ConnectOptionsIn<Scope>,
  ): () => boolean;
  connect<Payload extends object, Scope extends SignalScope = 'process'>(
    signal: Signal<Payload>,
    receiver: ReceiverIn<Payload, Scope>,
    options?: ConnectOptionsIn<Scope>,
  ): () => boolean;
  connect(signal: string | Signal<object>, receiver: Receiver<object>, options?: ConnectOptionsIn<SignalScope>): () => boolean {
    const disconnect = resolveSignal(signal).connect<SignalScope>(receiver, options);
    this.runtime.addConnection(disconnect);
    return disconnect;
  }

  /**
   * Disconnects a receiver (for one `sender`, or all), or the connection made
   * with a `dispatchUid`.
   * @returns whether anything was removed.
   */
  disconnect<Name extends SignalName>(signal: Name, receiver: (event: SignalEvent<Name>) => unknown, options?: DisconnectOptions): boolean;
  disconnect<Payload extends object>(signal: Signal<Payload>, receiver: Receiver<Payload>, options?: DisconnectOptions): boolean;
  disconnect(signal: SignalName | Signal<object>, options: DisconnectOptions & { dispatchUid: string }): boolean;
  disconnect(signal: string | Signal<object>, receiverOrOptions: Receiver<object> | DisconnectOptions, options?: DisconnectOptions): boolean {
    const resolved = resolveSignal(signal);
    return typeof receiverOrOptions === 'function'
      ? resolved.disconnect(receiverOrOptions, options)
      : resolved.disconnect(receiverOrOptions as DisconnectOptions & { dispatchUid: string });
  }
}

function resolveSignal(signal: string | Signal<object>): Signal<object> {
  return typeof signal === 'string' ? requireSignal(signal) : signal;
}
