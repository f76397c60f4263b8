export * from './builtin-payloads';
export * from './builtins';
export { defineSignal, findSignal, requireSignal } from './define-signal';
export type { DefineSignalOptions } from './define-signal';
export { Signal } from './signal';
export type { AnySignal, ConnectOptions, ConnectOptionsIn, DisconnectOptions, ReceiverIn, Receiver, SignalEventOf, SignalResponse, SignalScope } from './signal';
export type { EventOrigin, RemoteError, RemotePayload, RemoteReceiver, RemoteSignalEvent, RemoteSignalEventOf } from './remote-event';
export type { SignalEvent, SignalMap, SignalName, SignalRef } from './signal-map';
export { setReceiverTimeout } from './receiver-watchdog';
