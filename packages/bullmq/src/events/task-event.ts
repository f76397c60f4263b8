import type { EventOrigin, RemotePayload, SignalMap, SignalName } from '@tasks/core';

/** Celery's event names, as `celery events` and Flower know them. */
export type CeleryEventName =
  | 'task-sent'
  | 'task-received'
  | 'task-started'
  | 'task-succeeded'
  | 'task-failed'
  | 'task-retried'
  | 'task-revoked'
  | 'task-rejected'
  | 'worker-online'
  | 'worker-heartbeat'
  | 'worker-offline';

/** The Celery event name of each signal that has one; other signals travel with `type: null`. */
export const CELERY_EVENT_NAMES: Readonly<Record<string, CeleryEventName>> = {
  after_task_publish: 'task-sent',
  task_received: 'task-received',
  task_prerun: 'task-started',
  task_success: 'task-succeeded',
  task_failure: 'task-failed',
  task_retry: 'task-retried',
  task_revoked: 'task-revoked',
  task_rejected: 'task-rejected',
  worker_ready: 'worker-online',
  worker_heartbeat: 'worker-heartbeat',
  worker_shutdown: 'worker-offline',
};

/** Name under which heartbeats travel: they are not a signal of the process, only an event. */
export const WORKER_HEARTBEAT = 'worker_heartbeat';

/** What a `worker-heartbeat` event (every 2 s per worker) carries. */
export interface WorkerHeartbeatPayload {
  readonly queues: readonly string[];
  readonly concurrency: number;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks finished since the worker started, whatever their outcome. */
  readonly processed: number;
  /** Node's `os.loadavg()`. */
  readonly loadavg: readonly number[];
}

/** One event of the stream, for signal `Name` with payload `Payload`. */
export interface TaskEventOf<Name extends string, Payload> {
  /**
   * Where this event sits in the stream: its entry's id (`<ms>-<n>`), followed by
   * `.<index>` when the entry holds several events. Pass it as `from` to resume after it.
   */
  readonly id: string;
  /** The signal that was sent (`task_success`, a custom cluster signal…), or `worker_heartbeat`. */
  readonly signal: Name;
  /** Celery's event name (`task-succeeded`…), or `null` for a signal Celery has no event for. */
  readonly type: CeleryEventName | null;
  /** The sender: the task name for task signals, the worker's name for worker signals. */
  readonly sender: string;
  /** The process that sent it. */
  readonly origin: EventOrigin;
  /** When it was sent (epoch ms, the sender's clock). */
  readonly timestamp: number;
  /** Number of this event among those its process published, from 1: a jump means missed events. */
  readonly seq: number;
  /** The signal's payload as it travels: no `context`/`request`, errors as `{ name, message, stack }`. */
  readonly payload: Payload;
  /**
   * The task during whose run the signal was sent (`TaskContext.find()?.id` of the sender:
   * its body, hooks or receivers), for a signal whose payload names no task of its own, such
   * as a custom signal sent from a task body; absent otherwise. Task signals name their task
   * in `payload.taskId`.
   */
  readonly taskId?: string;
}

/**
 * An event read from the stream: a built-in or `SignalMap` signal with its typed
 * payload, or a heartbeat. Narrow it on `signal` (or on `type`).
 *
 * @example
 * if (event.signal === 'task_failure') console.log(event.payload.taskId, event.payload.error.message);
 */
export type TaskEvent =
  | { [Name in SignalName]: TaskEventOf<Name, RemotePayload<SignalMap[Name]>> }[SignalName]
  | TaskEventOf<typeof WORKER_HEARTBEAT, WorkerHeartbeatPayload>;

/**
 * First field of a stream entry: its value is `<seq> <time> <origin JSON>`, the
 * `seq` and timestamp of its first event and the process that wrote it. Each event
 * follows as two more fields: its signal, then {@link encodeEventValue}'s text. A
 * reader sees every event's signal and sender without parsing any JSON, and the
 * origin is written once per entry.
 */
export const HEADER_FIELD = '@';
/** Field of an entry of one event as JSON, as earlier versions wrote them (still read). */
export const EVENT_FIELD = 'e';
/** Field of an entry of several events as a JSON array, as earlier versions wrote them (still read). */
export const BATCH_FIELD = 'b';

/** What is written in the stream (the event without its id, which Redis assigns). */
export type EventRecord = Omit<TaskEventOf<string, Record<string, unknown>>, 'id' | 'taskId'> & { taskId?: string };

/** Errors nested where a payload keeps unknowns (`retval`) travel as their summary too. */
function errorSummary(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}

/** The JSON of a whole event, as earlier versions wrote them in one field (`e`, or in a `b` array). */
export function encodeEvent(record: EventRecord): string {
  return JSON.stringify(record, errorSummary);
}

/** Nesting below which a payload is searched for errors; a deeper one takes the replacer's path. */
const SEARCH_DEPTH = 32;

/**
 * A payload's JSON, errors anywhere inside it written as `{ name, message, stack }`.
 * Plain `JSON.stringify` (much faster) unless an error, or a value with its own
 * `toJSON`, sits somewhere inside it. Throws what `JSON.stringify` throws.
 */
export function encodePayload(payload: Record<string, unknown>): string {
  return needsReplacer(payload, 0) ? JSON.stringify(payload, errorSummary) : JSON.stringify(payload);
}

/** The header value of an entry whose first event is number `seq`, sent at `time`. */
export function encodeEntryHeader(seq: number, time: number, originJson: string): string {
  return `${seq} ${time} ${originJson}`;
}

/**
 * An event's value in its entry: `<ms after the entry's time> <sender's length> <sender><payload JSON>`,
 * so that the sender is read without parsing the payload. With `taskId` (see
 * {@link TaskEventOf.taskId}), `@<its length> <taskId>` stands between the sender and the
 * payload, whose JSON always starts with `{`.
 */
export function encodeEventValue(delta: number, sender: string, payloadJson: string, taskId?: string): string {
  return taskId === undefined ? `${delta} ${sender.length} ${sender}${payloadJson}` : `${delta} ${sender.length} ${sender}@${taskId.length} ${taskId}${payloadJson}`;
}

/** Whether plain `JSON.stringify` could encode `value` otherwise than with {@link errorSummary}. */
function needsReplacer(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null || value instanceof Date) return false;
  if (depth > SEARCH_DEPTH || value instanceof Error || typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (needsReplacer(value[i], depth + 1)) return true;
    return false;
  }
  for (const key of Object.keys(value)) if (needsReplacer((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

/** `@`, which marks a task id between an event's sender and its payload. */
const AT_SIGN = 64;

/** Origins kept by a cursor: a reader sees a few processes, each in many entries. */
const MAX_ORIGINS = 1000;

/**
 * Walks the events of one stream entry written in the current format (see
 * {@link HEADER_FIELD}): {@link open} reads the entry's header, {@link at} an event's
 * signal, sender and time, and only {@link event} parses its payload. So a reader
 * skips the events it does not want without parsing them. It keeps the origins it
 * parsed (the same objects, frozen, for every event of a process).
 */
export class EntryCursor {
  /** The process that wrote the open entry. */
  origin!: EventOrigin;
  /** `seq` of the entry's first event. */
  seq = 0;
  /** Events in the open entry. */
  count = 0;
  /** The current event's signal, sender and time. */
  signal = '';
  sender = '';
  timestamp = 0;
  /** The task the current event was sent during, when its value names one. */
  taskId: string | undefined = undefined;
  private time = 0;
  private fields: readonly string[] = [];
  private value = '';
  private payloadAt = 0;
  private readonly origins = new Map<string, EventOrigin>();

  /** Opens an entry; `false` when it is not in the current format (or its header is damaged). */
  open(fields: readonly string[]): boolean {
    if (fields[0] !== HEADER_FIELD || fields.length < 4 || fields.length % 2 !== 0) return false;
    const header = fields[1]!;
    const first = header.indexOf(' ');
    const second = header.indexOf(' ', first + 1);
    if (first < 0 || second < 0) return false;
    const seq = Number(header.slice(0, first));
    const time = Number(header.slice(first + 1, second));
    const origin = this.originOf(header.slice(second + 1));
    if (!Number.isInteger(seq) || !Number.isFinite(time) || origin === undefined) return false;
    this.fields = fields;
    this.origin = origin;
    this.seq = seq;
    this.time = time;
    this.count = (fields.length - 2) / 2;
    return true;
  }

  /** Moves to event `index` of the open entry; `false` when it is damaged. */
  at(index: number): boolean {
    const signal = this.fields[2 + 2 * index];
    const value = this.fields[3 + 2 * index];
    if (signal === undefined || value === undefined) return false;
    const first = value.indexOf(' ');
    const second = value.indexOf(' ', first + 1);
    if (first < 0 || second < 0) return false;
    const delta = Number(value.slice(0, first));
    const length = Number(value.slice(first + 1, second));
    if (!Number.isFinite(delta) || !Number.isInteger(length) || length < 0 || second + 1 + length > value.length) return false;
    let payloadAt = second + 1 + length;
    let taskId: string | undefined;
    if (value.charCodeAt(payloadAt) === AT_SIGN) {
      const space = value.indexOf(' ', payloadAt);
      const taskIdLength = Number(value.slice(payloadAt + 1, space));
      if (space < 0 || !Number.isInteger(taskIdLength) || taskIdLength < 0 || space + 1 + taskIdLength > value.length) return false;
      taskId = value.slice(space + 1, space + 1 + taskIdLength);
      payloadAt = space + 1 + taskIdLength;
    }
    this.signal = signal;
    this.sender = value.slice(second + 1, second + 1 + length);
    this.timestamp = this.time + delta;
    this.taskId = taskId;
    this.value = value;
    this.payloadAt = payloadAt;
    return true;
  }

  /** The current event whole, its payload parsed; `undefined` when the payload is damaged. */
  event(id: string, index: number): TaskEvent | undefined {
    let payload: unknown;
    try {
      payload = JSON.parse(this.value.slice(this.payloadAt));
    } catch {
      return undefined;
    }
    if (typeof payload !== 'object' || payload === null) return undefined;
    const signal = this.signal;
    const event = { id, signal, type: CELERY_EVENT_NAMES[signal] ?? null, sender: this.sender, origin: this.origin, timestamp: this.timestamp, seq: this.seq + index, payload };
    return (this.taskId === undefined ? event : { ...event, taskId: this.taskId }) as TaskEvent;
  }

  private originOf(json: string): EventOrigin | undefined {
    const known = this.origins.get(json);
    if (known !== undefined) return known;
    let origin: Partial<EventOrigin>;
    try {
      origin = JSON.parse(json) as Partial<EventOrigin>;
    } catch {
      return undefined;
    }
    if (typeof origin !== 'object' || origin === null || typeof origin.name !== 'string' || typeof origin.hostname !== 'string' || typeof origin.pid !== 'number' || typeof origin.id !== 'string') {
      return undefined;
    }
    if (this.origins.size >= MAX_ORIGINS) this.origins.clear();
    const frozen = Object.freeze({ name: origin.name, hostname: origin.hostname, pid: origin.pid, id: origin.id });
    this.origins.set(json, frozen);
    return frozen;
  }
}

/** The id of event `index` of an entry of `count` events. */
export function eventIdIn(entry: string, index: number, count: number): string {
  return count === 1 ? entry : `${entry}.${index}`;
}

/** Reads one stream entry back: its events, none for an entry that is not ours or is damaged. */
export function decodeEntry(id: string, fields: readonly string[], cursor = new EntryCursor()): TaskEvent[] {
  if (cursor.open(fields)) {
    const events: TaskEvent[] = [];
    for (let i = 0; i < cursor.count; i++) {
      const event = cursor.at(i) ? cursor.event(eventIdIn(id, i, cursor.count), i) : undefined;
      if (event) events.push(event);
    }
    return events;
  }
  return decodeOlderEntry(id, fields);
}

/** An entry as earlier versions wrote it: one event (`e`) or a JSON array of them (`b`). */
function decodeOlderEntry(id: string, fields: readonly string[]): TaskEvent[] {
  const single = fieldValue(fields, EVENT_FIELD);
  const batch = single === undefined ? fieldValue(fields, BATCH_FIELD) : undefined;
  let records: unknown[];
  try {
    records = single !== undefined ? [JSON.parse(single)] : batch !== undefined ? (JSON.parse(batch) as unknown[]) : [];
  } catch {
    return [];
  }
  if (!Array.isArray(records)) return [];
  const events: TaskEvent[] = [];
  for (let i = 0; i < records.length; i++) {
    const event = toEvent(single !== undefined ? id : `${id}.${i}`, records[i] as Partial<EventRecord>);
    if (event) events.push(event);
  }
  return events;
}

/** Splits an event id into its entry's id and its index in the entry (-1 for a whole entry). */
export function splitEventId(eventId: string): { entry: string; index: number } {
  const dot = eventId.indexOf('.');
  return dot < 0 ? { entry: eventId, index: -1 } : { entry: eventId.slice(0, dot), index: Number(eventId.slice(dot + 1)) };
}

/** The index of an event in its entry (0 for an entry of one event). */
export function indexInEntry(eventId: string): number {
  return Math.max(0, splitEventId(eventId).index);
}

function toEvent(id: string, record: Partial<EventRecord> | null): TaskEvent | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const { signal, sender, origin, timestamp, seq, payload } = record;
  if (typeof signal !== 'string' || typeof sender !== 'string' || typeof timestamp !== 'number' || typeof seq !== 'number') return undefined;
  if (typeof origin !== 'object' || origin === null || typeof payload !== 'object' || payload === null) return undefined;
  return { id, signal, type: CELERY_EVENT_NAMES[signal] ?? null, sender, origin, timestamp, seq, payload } as TaskEvent;
}

function fieldValue(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
