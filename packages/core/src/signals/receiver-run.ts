import { ReceiverTimeoutError } from '../errors/receiver-timeout.error';
import { tasksLogger } from '../logging/logger';
import { toError } from '../utils/to-error';
import { receiverWatchdog, type Watched } from './receiver-watchdog';

/** What every receiver gets: the payload, plus the signal's name and the sender. */
export type SignalEventOf<Payload extends object, Name extends string = string> = Payload & {
  /** Name of the signal that was sent. */
  readonly signal: Name;
  /** Who sent it; for task signals the task name, for worker signals the worker's name. */
  readonly sender: string;
};

/**
 * A function connected to a signal. It may return a promise: `send` awaits it.
 * (Connected with `scope: 'cluster'`, a receiver is a {@link RemoteReceiver}: it gets a
 * `RemoteSignalEventOf<Payload>`, and `connect` is typed accordingly.)
 */
export type Receiver<Payload extends object> = (event: SignalEventOf<Payload>) => unknown;

/** One receiver's outcome in the array `send` resolves to. */
export type SignalResponse<Payload extends object> =
  | { readonly receiver: Receiver<Payload>; readonly value: unknown }
  | { readonly receiver: Receiver<Payload>; readonly error: Error };

/** One receiver as connected: for every sender, or for one. */
export interface Connection<Payload extends object> {
  readonly receiver: Receiver<Payload>;
  readonly sender: string | undefined;
  readonly dispatchUid: string | undefined;
}

/**
 * Runs a send's receivers in order: synchronously while they return no promise,
 * so sync receivers cost no microtask; from the first promise on, through
 * {@link ReceiverRun}. Returns the responses, or a promise of them.
 */
export function runReceivers<Payload extends object>(
  signalName: string,
  connections: readonly Connection<Payload>[],
  event: SignalEventOf<Payload>,
  timeoutMs: number | undefined,
): SignalResponse<Payload>[] | Promise<readonly SignalResponse<Payload>[]> {
  // Made with the first response, to its size: an array grown from empty takes room for 17.
  let responses: SignalResponse<Payload>[] | undefined;
  for (let i = 0; i < connections.length; i++) {
    const outcome = invoke(signalName, connections[i]!, event);
    if (outcome === undefined) continue;
    if (isPending(outcome)) return new ReceiverRun(signalName, connections, i, outcome, event, responses, timeoutMs).done;
    if (responses === undefined) responses = [outcome];
    else responses.push(outcome);
  }
  return responses ?? [];
}

/** The response of a receiver that threw or rejected, logged. */
export function failedResponse<Payload extends object>(signalName: string, receiver: Receiver<Payload>, thrown: unknown): SignalResponse<Payload> {
  const error = toError(thrown);
  tasksLogger().error(`Receiver ${receiver.name || '<anonymous>'} of signal ${signalName} failed: ${error.message}`, error.stack);
  return { receiver, error };
}

/**
 * Runs one receiver if it is for this sender: returns its response, or what it
 * returned when that is pending, or `undefined` when the receiver is for another sender.
 */
function invoke<Payload extends object>(
  signalName: string,
  { receiver, sender }: Connection<Payload>,
  event: SignalEventOf<Payload>,
): SignalResponse<Payload> | PromiseLike<unknown> | undefined {
  if (sender !== undefined && sender !== event.sender) return undefined;
  let value: unknown;
  try {
    value = receiver(event);
  } catch (thrown) {
    return failedResponse(signalName, receiver, thrown);
  }
  if (value instanceof Promise || isPromiseLike(value)) return value as PromiseLike<unknown>;
  return { receiver, value };
}

/** Whether what {@link invoke} returned is a receiver's pending promise rather than a response (a plain object of ours). */
function isPending<Payload extends object>(outcome: SignalResponse<Payload> | PromiseLike<unknown>): outcome is PromiseLike<unknown> {
  return outcome instanceof Promise || isPromiseLike(outcome);
}

/**
 * The rest of a send once a receiver returned a promise: awaits each pending
 * receiver up to its deadline (one watch of the process-wide watchdog, no timer),
 * then runs the next. Driven by callbacks made once per send rather than by
 * `await`, so each async receiver costs one reaction on its own promise.
 */
class ReceiverRun<Payload extends object> implements Watched {
  readonly done: Promise<readonly SignalResponse<Payload>[]>;
  watchPrev: Watched | undefined = undefined;
  watchNext: Watched | undefined = undefined;
  deadline = 0;
  watchTimeoutMs = 0;
  watched = false;
  private resolve!: (responses: readonly SignalResponse<Payload>[]) => void;

  constructor(
    private readonly signalName: string,
    private readonly connections: readonly Connection<Payload>[],
    private index: number,
    pending: PromiseLike<unknown>,
    private readonly event: SignalEventOf<Payload>,
    private responses: SignalResponse<Payload>[] | undefined,
    private readonly timeoutMs: number | undefined,
  ) {
    this.done = new Promise<readonly SignalResponse<Payload>[]>(captureResolve);
    this.resolve = captured as (responses: readonly SignalResponse<Payload>[]) => void;
    captured = undefined;
    this.await(pending);
  }

  /** The receiver's deadline passed: its response is a timeout, and the send goes on without it. */
  expire(): void {
    const receiver = this.connections[this.index]!.receiver;
    const error = new ReceiverTimeoutError(`signal ${this.signalName}`, receiver.name || '<anonymous>', this.timeoutMs ?? receiverWatchdog.timeoutMs);
    tasksLogger().error(error.message);
    this.add({ receiver, error });
    this.next();
  }

  /** Receiver `index` settled; ignored once its deadline moved the send on to another one. */
  private settled(index: number, value: unknown): void {
    if (index !== this.index || !receiverWatchdog.stop(this)) return;
    this.add({ receiver: this.connections[index]!.receiver, value });
    this.next();
  }

  private failed(index: number, thrown: unknown): void {
    if (index !== this.index || !receiverWatchdog.stop(this)) return;
    this.add(failedResponse(this.signalName, this.connections[index]!.receiver, thrown));
    this.next();
  }

  private await(pending: PromiseLike<unknown>): void {
    const index = this.index;
    receiverWatchdog.start(this, this.timeoutMs);
    pending.then(
      (value) => this.settled(index, value),
      (thrown: unknown) => this.failed(index, thrown),
    );
  }

  private add(response: SignalResponse<Payload>): void {
    if (this.responses === undefined) this.responses = [response];
    else this.responses.push(response);
  }

  private next(): void {
    const connections = this.connections;
    for (this.index++; this.index < connections.length; this.index++) {
      const outcome = invoke(this.signalName, connections[this.index]!, this.event);
      if (outcome === undefined) continue;
      if (isPending(outcome)) {
        this.await(outcome);
        return;
      }
      this.add(outcome);
    }
    this.resolve(this.responses ?? []);
  }
}

/** Where {@link captureResolve} leaves a new promise's resolve function (no closure per send). */
let captured: ((responses: never) => void) | undefined;

function captureResolve(resolve: (responses: never) => void): void {
  captured = resolve;
}

/** Whether `value` is a promise or another thenable. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}
