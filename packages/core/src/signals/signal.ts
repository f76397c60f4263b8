import { assertJson } from '../serialization/json-guard';
import { failedResponse, runReceivers, type Connection, type Receiver, type SignalEventOf, type SignalResponse } from './receiver-run';
import { notifyClusterInterestChange, type ClusterInterest } from './cluster-hub';
import type { RemoteReceiver, RemoteSignalEventOf } from './remote-event';

export type { Receiver, SignalEventOf, SignalResponse } from './receiver-run';

/**
 * Where a signal's sends are heard: `'process'`, this process only (Celery's
 * semantics); `'cluster'`, every process on the same Redis and prefix.
 */
export type SignalScope = 'process' | 'cluster';

/**
 * @internal Sees every send of a signal, before its receivers run: how the Redis
 * bridge carries sends to other processes. Must not throw.
 */
export type SignalTap = (signal: Signal<object>, sender: string, payload: object) => void;

/**
 * The receiver `connect` takes for a scope: a {@link Receiver} of this process's sends,
 * or, with `scope: 'cluster'`, a {@link RemoteReceiver} of events read from Redis.
 */
export type ReceiverIn<Payload extends object, Scope extends SignalScope> = Scope extends 'cluster' ? RemoteReceiver<Payload> : Receiver<Payload>;

/** {@link ConnectOptions} whose `scope` decides the receiver's type (see {@link ReceiverIn}). */
export type ConnectOptionsIn<Scope extends SignalScope> = Omit<ConnectOptions, 'scope'> & { scope?: Scope };

/** Options of {@link Signal.connect}. */
export interface ConnectOptions {
  /** Only run for sends from this sender (string equality). Default: every sender. */
  sender?: string;
  /** Identifies the connection: a second receiver with the same id (and sender) is ignored. */
  dispatchUid?: string;
  /**
   * `'cluster'`: hear this signal as sent in any process on the same Redis and
   * prefix, this one included, as a `RemoteSignalEvent` delivered from Redis (live,
   * at most once, in order per sending process). Default: `'process'`.
   */
  scope?: SignalScope;
}

/** Options of {@link Signal.disconnect}. */
export interface DisconnectOptions {
  /** Only remove the connection made for this sender. Default: any sender. */
  sender?: string;
  /** Remove the connection made with this id. */
  dispatchUid?: string;
}

/** A signal of any payload, as seen by code that only needs its name (every `Signal<P>` is one). */
export interface AnySignal {
  readonly name: string;
}

/** What `dispatch` returns when no receiver is connected; `send` answers it with a shared promise. */
const NO_RECEIVERS: readonly never[] = Object.freeze([]);
const NO_RESPONSES: Promise<readonly never[]> = Promise.resolve(NO_RECEIVERS);

/**
 * A named event that receivers connect to, as Celery's `Signal`, with typed payloads.
 * Create one with {@link defineSignal}; every name is unique in the process.
 *
 * Receivers run in connection order and are awaited one after another; a receiver
 * that throws is logged and reported in the responses, never thrown to the sender.
 *
 * @example
 * const off = orderPlaced.connect((event) => audit(event.orderId), { sender: 'checkout' });
 * await orderPlaced.send('checkout', { orderId: 'o1', total: 12 });
 * off();
 */
export class Signal<Payload extends object = object> {
  /**
   * Connections in order. Replaced, never mutated, so a send in progress keeps
   * the list it started with: a receiver connected during a send runs next time.
   */
  private connections: readonly Connection<Payload>[] = [];
  /** Receivers connected with `scope: 'cluster'`: run for events read from Redis, never by `send`. */
  private remoteConnections: readonly Connection<Payload>[] = [];
  /** Bridges that carry sends to other processes; empty while nobody listens. */
  private taps: readonly SignalTap[] = [];

  /** @internal Use {@link defineSignal}, which also keeps names unique. */
  constructor(
    readonly name: string,
    /** Whether sends reach other processes; see {@link SignalScope}. */
    readonly scope: SignalScope = 'process',
  ) {}

  /**
   * Connects a receiver. Connecting the same receiver for the same sender again,
   * or a receiver with a `dispatchUid` already connected for that sender, changes nothing.
   * @returns a function that removes this connection and says whether it did.
   */
  connect<Scope extends SignalScope = 'process'>(receiver: ReceiverIn<Payload, Scope>, options: ConnectOptionsIn<Scope> = {}): () => boolean {
    const { sender, dispatchUid, scope = 'process' } = options;
    if (typeof receiver !== 'function') {
      throw new TypeError(`${this.name}.connect(): the receiver must be a function, got ${typeof receiver}.`);
    }
    if (scope !== 'process' && scope !== 'cluster') {
      throw new TypeError(`${this.name}.connect(): scope must be 'process' or 'cluster', got ${JSON.stringify(scope)}.`);
    }
    const remote = scope === 'cluster';
    const list = remote ? this.remoteConnections : this.connections;
    const existing = list.find((c) =>
      c.sender === sender && (dispatchUid !== undefined ? c.dispatchUid === dispatchUid : c.dispatchUid === undefined && c.receiver === receiver),
    );
    // Both lists hold functions of one argument; which event they get is decided by the list.
    const connection: Connection<Payload> = existing ?? { receiver: receiver as Receiver<Payload>, sender, dispatchUid };
    if (!existing) {
      if (remote) this.remoteConnections = [...list, connection];
      else this.connections = [...list, connection];
      if (remote || this.scope === 'cluster') notifyClusterInterestChange();
    }
    return () => this.remove((c) => c === connection);
  }

  /**
   * Disconnects a receiver (for one `sender`, or for all when none is given), or
   * the connection made with a `dispatchUid`.
   * @returns whether anything was removed.
   */
  disconnect(receiver: Receiver<Payload> | RemoteReceiver<Payload>, options?: DisconnectOptions): boolean;
  disconnect(options: DisconnectOptions & { dispatchUid: string }): boolean;
  disconnect(receiverOrOptions: Receiver<Payload> | RemoteReceiver<Payload> | DisconnectOptions, maybeOptions: DisconnectOptions = {}): boolean {
    const receiver: unknown = typeof receiverOrOptions === 'function' ? receiverOrOptions : undefined;
    const options = typeof receiverOrOptions === 'function' ? maybeOptions : receiverOrOptions;
    const { sender, dispatchUid } = options;
    if (receiver === undefined && dispatchUid === undefined) {
      throw new TypeError(`${this.name}.disconnect(): pass the receiver, or { dispatchUid }.`);
    }
    return this.remove(
      (c) =>
        (receiver === undefined || c.receiver === receiver) &&
        (dispatchUid === undefined || c.dispatchUid === dispatchUid) &&
        (sender === undefined || c.sender === sender),
    );
  }

  /** Whether a send from `sender` (or, with no argument, from anyone) would reach a receiver of this process. */
  hasListeners(sender?: string): boolean {
    const connections = this.connections;
    if (sender === undefined) return connections.length > 0;
    for (let i = 0; i < connections.length; i++) {
      const connected = connections[i]!.sender;
      if (connected === undefined || connected === sender) return true;
    }
    return false;
  }

  /**
   * @internal Whether no send can reach anything (no receiver for any sender, no tap): the
   * library's own sends then skip making a payload nobody would see.
   */
  isIdle(): boolean {
    return this.connections.length === 0 && this.taps.length === 0;
  }

  /** @internal Whether a send from `sender` would reach anything: a receiver of this process, or a tap. */
  isHeard(sender: string): boolean {
    return this.taps.length !== 0 || this.hasListeners(sender);
  }

  /**
   * Sends the signal: runs every receiver for `sender` in connection order, awaiting
   * each (up to `receiverTimeoutMs`, after which its response is a
   * `ReceiverTimeoutError` and the next one runs), and resolves with one response
   * per receiver once all have settled.
   */
  send(sender: string, payload: Payload): Promise<readonly SignalResponse<Payload>[]> {
    return this.sendWithin(sender, payload, undefined);
  }

  /** @internal {@link send} with a deadline per receiver other than `receiverTimeoutMs` (a drain's remaining time). */
  sendWithin(sender: string, payload: Payload, timeoutMs: number | undefined): Promise<readonly SignalResponse<Payload>[]> {
    if (this.scope === 'cluster') {
      try {
        assertJson(payload, 'payload');
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const outcome = this.dispatch(sender, payload, timeoutMs);
    if (outcome instanceof Promise) return outcome;
    return outcome === NO_RECEIVERS ? NO_RESPONSES : Promise.resolve(outcome);
  }

  /**
   * @internal {@link send} for the library's own signals, where nobody reads the
   * responses: returns a promise only when a receiver returned one, so a signal
   * whose receivers are all synchronous (or that has none) costs its sender no
   * promise and no microtask. Receivers run exactly as `send` runs them.
   */
  notify(sender: string, payload: Payload): Promise<unknown> | undefined {
    if (this.scope === 'cluster') assertJson(payload, 'payload');
    const outcome = this.dispatch(sender, payload, undefined);
    return outcome instanceof Promise ? outcome : undefined;
  }

  /** Runs the receivers; returns their responses when all were synchronous, else a promise of them. */
  private dispatch(
    sender: string,
    payload: Payload,
    timeoutMs: number | undefined,
  ): readonly SignalResponse<Payload>[] | Promise<readonly SignalResponse<Payload>[]> {
    const taps = this.taps;
    if (taps.length !== 0) for (let i = 0; i < taps.length; i++) taps[i]!(this as unknown as Signal<object>, sender, payload);
    const connections = this.connections;
    if (connections.length === 0) return NO_RECEIVERS;
    // Object.assign rather than spread: V8 spreads an object of unknown shape far more slowly.
    const event: { signal?: string; sender?: string } = Object.assign({}, payload);
    event.signal = this.name;
    event.sender = sender;
    return runReceivers(this.name, connections, event as SignalEventOf<Payload>, timeoutMs);
  }

  /**
   * @internal Runs the receivers for an event read from Redis: those connected with
   * `scope: 'cluster'`, and, for a cluster signal sent by another process, the
   * others too. A receiver that throws is logged here; nobody else hears of it.
   */
  async deliverRemote(event: RemoteSignalEventOf<Payload>, fromThisProcess: boolean): Promise<void> {
    const targets = this.scope === 'cluster' && !fromThisProcess ? [...this.remoteConnections, ...this.connections] : this.remoteConnections;
    for (const { receiver, sender } of targets) {
      if (sender !== undefined && sender !== event.sender) continue;
      try {
        await (receiver as unknown as RemoteReceiver<Payload>)(event);
      } catch (thrown) {
        failedResponse(this.name, receiver, thrown);
      }
    }
  }

  /** @internal What this signal's receivers want to hear from Redis; see `localClusterInterests`. */
  clusterInterests(): ClusterInterest[] {
    const heard = this.scope === 'cluster' ? [...this.remoteConnections, ...this.connections] : this.remoteConnections;
    if (heard.some((c) => c.sender === undefined)) return [{ signal: this.name }];
    return [...new Set(heard.map((c) => c.sender!))].map((sender) => ({ signal: this.name, sender }));
  }

  /** @internal Adds a tap that sees every send; returns the function that removes it. */
  addTap(tap: SignalTap): () => void {
    this.taps = [...this.taps, tap];
    return () => {
      this.taps = this.taps.filter((t) => t !== tap);
    };
  }

  private remove(matches: (connection: Connection<Payload>) => boolean): boolean {
    const kept = this.connections.filter((c) => !matches(c));
    const keptRemote = this.remoteConnections.filter((c) => !matches(c));
    const removedRemote = keptRemote.length !== this.remoteConnections.length;
    if (kept.length === this.connections.length && !removedRemote) return false;
    const removedLocal = kept.length !== this.connections.length;
    this.connections = kept;
    this.remoteConnections = keptRemote;
    if (removedRemote || (removedLocal && this.scope === 'cluster')) notifyClusterInterestChange();
    return true;
  }
}
