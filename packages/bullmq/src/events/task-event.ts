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

/** Field of a stream entry that holds one event, as JSON. */
export const EVENT_FIELD = 'e';
/** Field of a stream entry that holds several events (sent in one turn of the sender's event loop), as a JSON array. */
export const BATCH_FIELD = 'b';

/** What is written in the stream (the event without its id, which Redis assigns). */
export type EventRecord = Omit<TaskEventOf<string, Record<string, unknown>>, 'id' | 'taskId'> & { taskId?: string };

/** The JSON of one stream entry. */
export function encodeEvent(record: EventRecord): string {
  return JSON.stringify(record, (_key, value: unknown) =>
    // Errors nested where a payload keeps unknowns (`retval`) travel as their summary too.
    value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value,
  );
}

/** Nesting below which a payload is searched for errors; a deeper one takes {@link encodeEvent}'s path. */
const SEARCH_DEPTH = 32;

/**
 * The JSON {@link encodeEvent} writes, built faster for a sender: `originJson` is
 * `origin` already encoded (it is the same for every event of a process), and the
 * payload is encoded without a replacer unless an error, or a value with its own
 * `toJSON`, sits somewhere inside it. Throws what `JSON.stringify` throws.
 */
export function encodeEventWith(
  origin: EventOrigin,
  originJson: string,
  signal: string,
  sender: string,
  timestamp: number,
  seq: number,
  payload: Record<string, unknown>,
  taskId?: string,
): string {
  if (needsReplacer(payload, 0)) return encodeEvent(taskId === undefined ? { signal, type: null, sender, origin, timestamp, seq, payload } : { signal, type: null, sender, origin, timestamp, seq, payload, taskId });
  const task = taskId === undefined ? '' : `,"taskId":${JSON.stringify(taskId)}`;
  return `{"signal":${JSON.stringify(signal)},"type":null,"sender":${JSON.stringify(sender)},"origin":${originJson},"timestamp":${timestamp},"seq":${seq},"payload":${JSON.stringify(payload)}${task}}`;
}

/** Whether plain `JSON.stringify` could encode `value` otherwise than {@link encodeEvent}. */
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

/** Reads one stream entry back: its events, none for an entry that is not ours or is damaged. */
export function decodeEntry(id: string, fields: readonly string[]): TaskEvent[] {
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
  const { signal, sender, origin, timestamp, seq, payload, taskId } = record;
  if (typeof signal !== 'string' || typeof sender !== 'string' || typeof timestamp !== 'number' || typeof seq !== 'number') return undefined;
  if (typeof origin !== 'object' || origin === null || typeof payload !== 'object' || payload === null) return undefined;
  const event = { id, signal, type: CELERY_EVENT_NAMES[signal] ?? null, sender, origin, timestamp, seq, payload };
  return (typeof taskId === 'string' ? { ...event, taskId } : event) as TaskEvent;
}

function fieldValue(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
