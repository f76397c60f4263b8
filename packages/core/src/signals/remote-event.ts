import type { SignalMap, SignalName } from './signal-map';

/** An error as it travels between processes: its class name, message and stack. */
export interface RemoteError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** The process a remote event was sent from. */
export interface EventOrigin {
  /** The process's name: its worker's name (`tasks@host:pid` by default), or `tasks@host:pid`. */
  readonly name: string;
  readonly hostname: string;
  readonly pid: number;
  /** Random id of the sending connection, new on each start: tells a restarted process apart. */
  readonly id: string;
}

/** Keys of a payload that hold live objects and are left out of remote events. */
type LocalOnlyKey = 'context' | 'request';

/** What a payload field becomes once it travelled: errors become {@link RemoteError}. */
type Travelled<Value> = Value extends Error ? RemoteError : Value;

/**
 * A payload as it reaches another process: what JSON can carry. `context` and
 * `request` (live objects of the worker) are left out, and errors are
 * `{ name, message, stack }`.
 */
export type RemotePayload<Payload extends object> = {
  readonly [Key in keyof Payload as Key extends LocalOnlyKey ? never : Key]: Travelled<Payload[Key]>;
};

/** What a receiver connected with `scope: 'cluster'` gets, for any payload type. */
export type RemoteSignalEventOf<Payload extends object, Name extends string = string> = RemotePayload<Payload> & {
  /** Name of the signal that was sent. */
  readonly signal: Name;
  /** Who sent it; for task signals the task name, for worker signals the worker's name. */
  readonly sender: string;
  /** The process that sent it. */
  readonly origin: EventOrigin;
  /** When it was sent (epoch ms, the sender's clock). */
  readonly timestamp: number;
} & ('taskId' extends keyof Payload
    ? unknown
    : {
        /**
         * For a payload that names no task of its own (a custom signal): the task during
         * whose run it was sent (its body, hooks or receivers), if any. Task signals name
         * their task in the payload's own `taskId`.
         */
        readonly taskId?: string;
      });

/**
 * The event a receiver connected with `scope: 'cluster'` gets for signal `Name`,
 * sent in this or any other process on the same Redis and prefix.
 *
 * @example
 * @OnSignal('task_success', { sender: 'billing.charge', scope: 'cluster' })
 * charged(event: RemoteSignalEvent<'task_success'>) { console.log(event.taskId, event.origin.name); }
 */
export type RemoteSignalEvent<Name extends SignalName> = RemoteSignalEventOf<SignalMap[Name], Name>;

/** A receiver of remote events: its return value is ignored, a throw is logged in its own process. */
export type RemoteReceiver<Payload extends object> = (event: RemoteSignalEventOf<Payload>) => unknown;

/**
 * Turns a payload into what travels: drops `context` and `request`, and makes
 * every error (top level or nested in `retval`) a {@link RemoteError}. The result
 * is ready for `JSON.stringify`.
 */
export function toRemotePayload(payload: object): Record<string, unknown> {
  const remote: Record<string, unknown> = {};
  for (const key of Object.keys(payload)) {
    if (key === 'context' || key === 'request') continue;
    remote[key] = travelled((payload as Record<string, unknown>)[key]);
  }
  return remote;
}

function travelled(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  // A subclass that does not set `name` is known by its constructor's name, as everywhere else.
  const constructorName = (value.constructor as { name?: unknown } | undefined)?.name;
  const name = value.name === 'Error' && typeof constructorName === 'string' && constructorName !== '' ? constructorName : value.name;
  return value.stack === undefined ? { name, message: value.message } : { name, message: value.message, stack: value.stack };
}
