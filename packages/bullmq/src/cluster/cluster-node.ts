import { findSignal, TaskContext, type RemoteSignalEventOf } from '@tasks/core';
import { definedSignals, localClusterInterests, onClusterInterestChange, tasksLogger, toError, toRemotePayload, type ClusterInterest } from '@tasks/core/internal';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis as SingleRedis } from 'ioredis';
import { closeRedis, createRedis, describeTarget, disconnectNow, lastCommand, openRedis, type RedisClient as Redis } from '../connection/redis-client';
import { keyPrefix } from '../connection/key-prefix';
import { publishToAll } from '../connection/publish-all';
import { tasksKeys } from '../keys';
import type { BullmqConnectionOptions } from '../options';
import { parseBusMessage, parseNodeReply, type BusMessage, type ControlCommand, type ControlRequest, type WorkerAnswer } from '../message/bus-message';
import { EventInterests, parseListenerEntry } from '../events/event-interests';
import { EventReader } from '../events/event-reader';
import { CLOSE_STEP_MS, settlesWithin } from '../utils/settles-within';
import { encodeEntryHeader, encodeEventValue, encodePayload, HEADER_FIELD, type TaskEvent } from '../events/task-event';

/** Default cap of the event stream (entries; trimmed approximately, as Redis does cheaply). */
export const DEFAULT_EVENTS_MAX_LENGTH = 10_000;
/** A listener entry lives this long unless refreshed; refreshed every third of it. */
const LISTENER_TTL_MS = 15_000;
/** Default time to gather replies. */
export const DEFAULT_REPLY_TIMEOUT_MS = 1000;

/** A worker of this process, as the node sees it: it answers control requests addressed to it. */
export interface ControlledWorker {
  readonly name: string;
  answer(command: ControlCommand): Promise<unknown> | unknown;
}

interface Pending {
  readonly answers: WorkerAnswer[];
  expected: number;
  received: number;
  done: () => void;
}

/** One node per Redis target and prefix in a process, shared by executors, workers and control clients. */
const nodes = new Map<string, { node: Promise<ClusterNode>; users: number }>();

/**
 * This process on the event stream and the control bus of one Redis and prefix.
 *
 * - **Publishing.** Each signal some listener wants gets a tap; a send the tap
 *   matches (signal and sender) is written to the capped stream `<prefix>::events`.
 *   With no listener, no signal has a tap and a send costs nothing more.
 * - **Listening.** What this process's cluster receivers want is registered in the
 *   `<prefix>::listeners` hash (refreshed while alive) and announced on the bus;
 *   every node reloads the hash and acknowledges, so a listener is heard from the
 *   moment its registration resolves. One reader (one connection) delivers events.
 * - **Control.** Requests on the bus are answered by this process's workers; each
 *   node replies once (with no answer when it runs no worker), so a requester knows
 *   when everyone answered.
 */
export class ClusterNode {
  readonly origin: { name: string; readonly hostname: string; readonly pid: number; readonly id: string };
  private readonly key: string;
  private readonly maxLength: number;
  private seq = 0;
  private interests = new EventInterests();
  /** What this process's cluster receivers hear: an event none of them wants is not delivered. */
  private heard = new EventInterests(localClusterInterests());
  private readonly taps = new Map<string, () => void>();
  private readonly ownEntries = new Map<string, ClusterInterest[]>();
  private readonly workers = new Set<ControlledWorker>();
  private readonly pending = new Map<string, Pending>();
  private alwaysEmit = 0;
  private reader: EventReader | undefined;
  private readerStarting: Promise<void> | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private readonly stopWatching: () => void;
  private publishErrorLogged = false;
  /**
   * Events waiting to be written, as the fields of one stream entry: each event's
   * signal and value. They wait only while an earlier write is unanswered and this
   * turn of the event loop already wrote, and at most until the turn ends.
   */
  private batch: string[] = [];
  /** Whether this turn of the event loop wrote events (its end, a `setImmediate`, writes what waits). */
  private turnWrote = false;
  /** `seq` and time of the first waiting event. */
  private batchSeq = 0;
  private batchTime = 0;
  /** Writes sent and not answered yet. */
  private writing = 0;
  private closed = false;
  private encodedOrigin: { name: string; json: string } | undefined;

  private constructor(
    private readonly options: BullmqConnectionOptions,
    private readonly prefix: string,
    readonly commands: Redis,
    private readonly subscriber: Redis,
  ) {
    const id = randomUUID().slice(0, 8);
    this.origin = { name: `tasks@${hostname()}:${process.pid}`, hostname: hostname(), pid: process.pid, id };
    this.key = tasksKeys.events(prefix);
    this.maxLength = options.eventsMaxLength ?? DEFAULT_EVENTS_MAX_LENGTH;
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    // Missed announcements while away: read the listeners again once back. ioredis' own
    // resubscribe is off on a single Redis (closing the client just after a reconnect would
    // leave its promise rejected with nobody to handle it): this listener subscribes again.
    const resubscribe = subscriber instanceof SingleRedis;
    if (resubscribe) subscriber.options.autoResubscribe = false;
    subscriber.on('ready', () =>
      void (resubscribe ? this.subscribe() : Promise.resolve()).then(() => this.reloadListeners()).catch(() => undefined),
    );
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), LISTENER_TTL_MS / 3);
    this.timer.unref();
    this.stopWatching = onClusterInterestChange(() => {
      this.heard = new EventInterests(localClusterInterests());
      return this.syncReceivers();
    });
  }

  /** The node of this Redis and prefix, opened on first use; give it back with {@link release}. */
  static async acquire(options: BullmqConnectionOptions): Promise<ClusterNode> {
    // On a cluster, in the prefix's hash tag: `{tasks}::events`, beside our other keys.
    const prefix = keyPrefix(options);
    const key = `${describeTarget(options)}|${prefix}`;
    let entry = nodes.get(key);
    if (!entry) {
      entry = { node: ClusterNode.open(options, prefix), users: 0 };
      nodes.set(key, entry);
      entry.node.catch(() => nodes.delete(key));
    }
    entry.users++;
    return entry.node;
  }

  private static async open(options: BullmqConnectionOptions, prefix: string): Promise<ClusterNode> {
    const commands = await openRedis(options, 'commands', 'node');
    const subscriber = createRedis(options, 'blocking', 'node-bus');
    const node = new ClusterNode(options, prefix, commands, subscriber);
    try {
      await node.subscribe();
      await node.reloadListeners();
      await node.syncReceivers();
    } catch (error) {
      await node.shutdown();
      throw error;
    }
    return node;
  }

  private async subscribe(): Promise<void> {
    await this.subscriber.subscribe(tasksKeys.bus(this.prefix), tasksKeys.replies(this.prefix, this.origin.id));
  }

  /** Gives the node back; the last user closes it. */
  async release(): Promise<void> {
    const key = `${describeTarget(this.options)}|${this.prefix}`;
    const entry = nodes.get(key);
    if (!entry || --entry.users > 0) return;
    nodes.delete(key);
    await this.shutdown();
  }

  /** The events this process's cluster receivers got, and the reads that brought them. */
  get readerStats(): { reads: number; events: number; missed: number } | undefined {
    return this.reader?.stats;
  }

  /** Name of this process in events: its worker's name once it runs one. */
  nameAs(name: string): void {
    if (this.origin.name.startsWith('tasks@')) this.origin.name = name;
  }

  /** Publishes every signal from now on, listener or not (Celery's `-E`); returns the undo. */
  emitAlways(): () => void {
    this.alwaysEmit++;
    this.syncTaps();
    let undone = false;
    return () => {
      if (undone) return;
      undone = true;
      this.alwaysEmit--;
      this.syncTaps();
    };
  }

  /** Whether some listener wants this send. */
  wants(signal: string, sender: string): boolean {
    return this.alwaysEmit > 0 || this.interests.wants(signal, sender);
  }

  /**
   * Writes one event to the stream (its payload in travelling form). With no write
   * of this process unanswered, or none yet in this turn of the event loop, it is
   * written at once; otherwise it is written with the others sent in this turn, as
   * one entry, once the turn ends. So a send waits for nothing unless events were
   * written just before it in the same turn, and a busy worker writes at most two
   * commands per turn (the turn's first event, then the rest). Writes go in order on
   * one connection: the order is kept. A signal whose payload names no task, sent
   * while a task runs here, carries that task's id.
   */
  publish(signal: string, sender: string, payload: object): void {
    const now = Date.now();
    const time = this.batch.length === 0 ? now : this.batchTime;
    let value: string;
    try {
      const taskId = 'taskId' in payload ? undefined : TaskContext.find()?.id;
      value = encodeEventValue(now - time, sender, encodePayload(toRemotePayload(payload)), taskId);
    } catch (thrown) {
      tasksLogger().warn(`Events of ${this.prefix}: ${signal} from ${sender} can not travel (${toError(thrown).message}); not published.`);
      return;
    }
    this.seq++;
    if (this.batch.length === 0) {
      this.batchSeq = this.seq;
      this.batchTime = now;
    }
    this.batch.push(signal, value);
    if (this.writing === 0 || !this.turnWrote) {
      this.flush();
      this.endOfTurn();
    }
  }

  /** Marks this turn of the event loop as one that wrote; at its end, what waits is written. */
  private endOfTurn(): void {
    if (this.turnWrote) return;
    this.turnWrote = true;
    setImmediate(() => {
      this.turnWrote = false;
      this.flush();
    });
  }

  /** `origin` as JSON, encoded again only when its name changed. */
  private originJson(): string {
    if (this.encodedOrigin?.name !== this.origin.name) this.encodedOrigin = { name: this.origin.name, json: JSON.stringify(this.origin) };
    return this.encodedOrigin.json;
  }

  /** Writes the waiting events as one entry. */
  private flush(): void {
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    this.writing++;
    this.commands.xadd(this.key, 'MAXLEN', '~', this.maxLength, '*', HEADER_FIELD, encodeEntryHeader(this.batchSeq, this.batchTime, this.originJson()), ...batch).then(
      () => {
        this.writing--;
        this.publishErrorLogged = false;
      },
      (thrown: unknown) => {
        this.writing--;
        if (this.publishErrorLogged) return;
        this.publishErrorLogged = true;
        tasksLogger().warn(`Events of ${this.prefix}: could not publish (${toError(thrown).message}); events are lost until Redis answers again.`);
      },
    );
  }

  /**
   * Registers interests under `entry` (replacing what it had) and waits until every
   * node acknowledged, so sends they make from now on are published.
   */
  async listen(entry: string, interests: readonly ClusterInterest[]): Promise<void> {
    this.ownEntries.set(entry, [...interests]);
    await this.writeEntry(entry, interests);
    await this.announce();
  }

  /** Removes a registration made with {@link listen}. */
  async unlisten(entry: string): Promise<void> {
    if (!this.ownEntries.delete(entry)) return;
    // With Redis away the entry is left to expire (it is no longer refreshed): a close must not wait for Redis.
    if (this.commands.status !== 'ready') return;
    await this.commands.hdel(tasksKeys.listeners(this.prefix), this.entryField(entry));
    await this.announce();
  }

  /** Makes `worker` answer control requests; returns the undo. */
  addWorker(worker: ControlledWorker): () => void {
    this.workers.add(worker);
    return () => this.workers.delete(worker);
  }

  /**
   * Sends a control request and gathers the workers' answers until every node
   * replied or `timeoutMs` passed.
   */
  async request(command: ControlCommand, options: { worker?: string; timeoutMs?: number } = {}): Promise<WorkerAnswer[]> {
    const id = randomUUID();
    const request: ControlRequest = { ...command, kind: 'control', id, replyTo: this.origin.id, ...(options.worker === undefined ? {} : { worker: options.worker }) };
    return this.gather(id, JSON.stringify(request), options.timeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS);
  }

  private async announce(): Promise<void> {
    const id = randomUUID();
    await this.gather(id, JSON.stringify({ kind: 'interest', id, replyTo: this.origin.id }), DEFAULT_REPLY_TIMEOUT_MS);
  }

  private async gather(id: string, message: string, timeoutMs: number): Promise<WorkerAnswer[]> {
    const answers: WorkerAnswer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finished = new Promise<void>((resolve) => {
      this.pending.set(id, { answers, expected: Number.POSITIVE_INFINITY, received: 0, done: resolve });
      timer = setTimeout(resolve, timeoutMs);
    });
    try {
      // Every node's bus subscriber gets it, this one's included: that many replies are due.
      const receivers = await publishToAll(this.commands, tasksKeys.bus(this.prefix), message);
      const pending = this.pending.get(id)!;
      pending.expected = receivers;
      if (pending.received >= receivers) pending.done();
      await finished;
    } finally {
      clearTimeout(timer);
      this.pending.delete(id);
    }
    return answers;
  }

  private onMessage(channel: string, message: string): void {
    if (channel !== tasksKeys.bus(this.prefix)) return this.onReply(message);
    const parsed = parseBusMessage(message);
    if (typeof parsed === 'string') {
      tasksLogger().warn(`Ignored a message on ${channel}: ${parsed}.`);
      return;
    }
    void this.handle(parsed).catch((thrown: unknown) => {
      const error = toError(thrown);
      tasksLogger().error(`Handling a ${parsed.kind} message on ${channel} failed: ${error.message}`, error.stack);
    });
  }

  private async handle(message: BusMessage): Promise<void> {
    const answers: WorkerAnswer[] = [];
    if (message.kind === 'interest') {
      await this.reloadListeners();
    } else {
      for (const worker of this.workers) {
        if (message.worker !== undefined && message.worker !== worker.name) continue;
        const who = { worker: worker.name, hostname: this.origin.hostname, pid: this.origin.pid };
        try {
          answers.push({ ...who, ok: true, value: await worker.answer(message) });
        } catch (thrown) {
          answers.push({ ...who, ok: false, error: toError(thrown).message });
        }
      }
    }
    await this.commands.publish(tasksKeys.replies(this.prefix, message.replyTo), JSON.stringify({ kind: 'reply', id: message.id, answers }));
  }

  private onReply(message: string): void {
    const reply = parseNodeReply(message);
    if (!reply) {
      tasksLogger().warn(`Ignored a malformed reply on ${tasksKeys.replies(this.prefix, this.origin.id)}.`);
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    const receivedAt = Date.now();
    for (const answer of reply.answers) pending.answers.push({ ...answer, receivedAt });
    if (++pending.received >= pending.expected) pending.done();
  }

  /** Reads every listener's entry, drops stale ones, and taps the signals wanted. */
  private async reloadListeners(): Promise<void> {
    const entries = await this.commands.hgetall(tasksKeys.listeners(this.prefix));
    const now = Date.now();
    const interests = new EventInterests();
    const stale: string[] = [];
    for (const [field, json] of Object.entries(entries)) {
      const entry = parseListenerEntry(json);
      if (!entry || entry.until < now) stale.push(field);
      else entry.interests.forEach((interest) => interests.add(interest));
    }
    if (stale.length > 0) await this.commands.hdel(tasksKeys.listeners(this.prefix), ...stale);
    this.interests = interests;
    this.syncTaps();
  }

  private syncTaps(): void {
    for (const signal of definedSignals()) {
      const wanted = this.alwaysEmit > 0 || this.interests.mayWant(signal.name);
      const untap = this.taps.get(signal.name);
      if (wanted && !untap) {
        this.taps.set(
          signal.name,
          signal.addTap((tapped, sender, payload) => {
            if (this.wants(tapped.name, sender)) this.publish(tapped.name, sender, payload);
          }),
        );
      } else if (!wanted && untap) {
        untap();
        this.taps.delete(signal.name);
      }
    }
  }

  /** Registers (or withdraws) what this process's cluster receivers want, and reads the stream while they want something. */
  private syncReceivers(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      if (this.closed) return;
      const interests = localClusterInterests();
      if (interests.length === 0) {
        await this.unlisten('receivers');
        return;
      }
      await this.startReader();
      await this.listen('receivers', interests);
    }).catch((thrown: unknown) => tasksLogger().warn(`Events of ${this.prefix}: could not register this process's cluster receivers (${toError(thrown).message}).`));
    return this.syncing;
  }

  private startReader(): Promise<void> {
    this.readerStarting ??= (async () => {
      const connection = createRedis(this.options, 'blocking', `events:${this.origin.id}`);
      const reader = new EventReader(
        connection,
        this.key,
        (event) => this.deliver(event),
        `Events of ${this.prefix}`,
        // Events no receiver here wants are skipped before their payload is parsed.
        (signal, sender) => this.heard.wants(signal, sender),
      );
      this.reader = reader;
      await reader.start('now');
    })();
    return this.readerStarting;
  }

  private deliver(event: TaskEvent): Promise<void> | undefined {
    if (!this.heard.wants(event.signal, event.sender)) return undefined;
    const signal = findSignal(event.signal);
    if (!signal) return undefined;
    const fromThisProcess = event.origin.pid === this.origin.pid && event.origin.hostname === this.origin.hostname;
    // `event.taskId` is only written for a payload without a `taskId` of its own (see `publish`).
    const { signal: name, sender, origin, timestamp, taskId } = event;
    const remote = Object.assign({}, event.payload, taskId === undefined ? { signal: name, sender, origin, timestamp } : { signal: name, sender, origin, timestamp, taskId });
    return signal.deliverRemote(remote as unknown as RemoteSignalEventOf<object>, fromThisProcess);
  }

  private async refresh(): Promise<void> {
    for (const [entry, interests] of this.ownEntries) await this.writeEntry(entry, interests);
    await this.reloadListeners();
  }

  private async writeEntry(entry: string, interests: readonly ClusterInterest[]): Promise<void> {
    await this.commands.hset(tasksKeys.listeners(this.prefix), this.entryField(entry), JSON.stringify({ until: Date.now() + LISTENER_TTL_MS, interests }));
  }

  private entryField(entry: string): string {
    return `${this.origin.id}:${entry}`;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.stopWatching();
    for (const untap of this.taps.values()) untap();
    this.taps.clear();
    this.flush();
    // Each step is bounded: a close must end within the drain budget even with Redis paused.
    await settlesWithin(this.syncing, CLOSE_STEP_MS);
    const fields = [...this.ownEntries.keys()].map((e) => this.entryField(e));
    if (fields.length > 0) await lastCommand(this.commands, () => this.commands.hdel(tasksKeys.listeners(this.prefix), ...fields));
    this.ownEntries.clear();
    await settlesWithin(this.reader?.close() ?? Promise.resolve(), CLOSE_STEP_MS);
    disconnectNow(this.subscriber);
    await closeRedis(this.commands);
  }
}
