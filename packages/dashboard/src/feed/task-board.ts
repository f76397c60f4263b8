import type { TaskEvent } from '@tasks/bullmq';
import type { ChartData, TaskDetail, TaskList, TaskStateName, TaskSummary, TimelineEntry } from '../api-types';
import { cutValue, errorText, LIST_VALUE_CHARS, showValue } from './shown-value';

/** Signals whose payload names a task (`taskId`), and `task_rejected` (its `jobId`). */
const TASK_SIGNALS = new Set([
  'before_task_publish', 'after_task_publish', 'task_received', 'task_prerun', 'task_success', 'task_retry',
  'task_failure', 'task_postrun', 'task_revoked', 'task_unknown', 'task_rejected', 'task_internal_error',
]);
/** Timeline entries kept per task. */
const MAX_TIMELINE = 200;
/** Characters of a value in a timeline's detail column. */
const DETAIL_VALUE_CHARS = 80;
/** Finished runs kept for the charts. */
const MAX_FINISHED = 20_000;

interface TaskRecord {
  summary: TaskSummary;
  timeline: TimelineEntry[];
}

/** Filters of the task list. */
export interface TaskQuery {
  state?: string;
  name?: string;
  queue?: string;
  /** Part of a task id. */
  search?: string;
  limit?: number;
}

export interface BoardListener {
  /** A task changed: its summary as the board keeps it (values whole, changed in place later); cut it with {@link listed} to send it. */
  task(summary: TaskSummary): void;
  timeline(taskId: string, entry: TimelineEntry): void;
  worker(name: string): void;
}

/**
 * What the dashboard knows of tasks, built from the event stream: each task's state,
 * values and signal timeline, and the runs finished lately (for the charts). It keeps
 * the last `maxTasks` tasks.
 */
export class TaskBoard {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly finished: Array<{ name: string; at: number; runtimeMs: number; failed: boolean }> = [];
  private readonly listeners = new Set<BoardListener>();

  constructor(private readonly maxTasks: number) {}

  /** Tells `listener` of every change from now on; returns the undo. */
  subscribe(listener: BoardListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies one event of the stream. */
  apply(event: TaskEvent): void {
    if (event.signal === 'worker_heartbeat' || event.signal === 'worker_ready' || event.signal === 'worker_shutdown') {
      this.listeners.forEach((l) => l.worker(event.sender));
      return;
    }
    const payload = event.payload as Record<string, unknown>;
    if (!TASK_SIGNALS.has(event.signal)) {
      // A custom signal sent while a task ran (its body, hooks or receivers) joins that task's timeline.
      if (event.taskId !== undefined) this.addEntry(event.taskId, this.record(event.taskId, event), event, showValue(payload, DETAIL_VALUE_CHARS).text);
      return;
    }
    const id = typeof payload.taskId === 'string' ? payload.taskId : typeof payload.jobId === 'string' ? payload.jobId : undefined;
    if (id === undefined) return;
    const record = this.record(id, event);
    const task = record.summary;
    if (task.name === '' && event.signal !== 'task_rejected') task.name = event.sender;
    if (Object.hasOwn(payload, 'args') && task.args === null) task.args = showValue(payload.args, Infinity);
    switch (event.signal) {
      case 'before_task_publish':
        break;
      case 'after_task_publish':
        task.sentAt = event.timestamp;
        if (typeof payload.queue === 'string') task.queue = payload.queue;
        break;
      case 'task_received':
        task.receivedAt = event.timestamp;
        task.worker = event.origin.name;
        this.advance(task, 'RECEIVED');
        break;
      case 'task_prerun':
        task.startedAt = event.timestamp;
        task.worker = event.origin.name;
        this.advance(task, 'STARTED');
        break;
      case 'task_retry':
        task.retries = Math.max(task.retries, Number(payload.attempt) || task.retries + 1);
        task.error = showValue(errorText(payload.error), Infinity);
        task.state = 'RETRY';
        break;
      case 'task_success':
        task.result = showValue(payload.result, Infinity);
        task.runtimeMs = typeof payload.runtimeMs === 'number' ? payload.runtimeMs : null;
        task.state = 'SUCCESS';
        this.finish(task, event.timestamp, false);
        break;
      case 'task_failure':
        task.error = showValue(errorText(payload.error), Infinity);
        if (typeof payload.attempts === 'number') task.retries = Math.max(task.retries, payload.attempts - 1);
        task.state = 'FAILURE';
        if (task.startedAt !== null) task.runtimeMs = event.timestamp - task.startedAt;
        this.finish(task, event.timestamp, true);
        break;
      case 'task_revoked':
        task.state = 'REVOKED';
        task.error = showValue(`revoked${payload.terminated === true ? ' (terminated)' : ''}${typeof payload.reason === 'string' && payload.reason !== '' ? `: ${payload.reason}` : ''}`, Infinity);
        task.finishedAt = event.timestamp;
        break;
      case 'task_rejected':
        task.state = 'REJECTED';
        task.error = showValue(errorText(payload.error), Infinity);
        task.finishedAt = event.timestamp;
        break;
      case 'task_unknown':
      case 'task_internal_error':
        task.error = showValue(errorText(payload.error), Infinity);
        break;
    }
    task.updatedAt = event.timestamp;
    this.listeners.forEach((l) => l.task(task));
    this.addEntry(id, record, event, detailOf(event.signal, payload, task));
  }

  /** Appends an event to a task's timeline and tells the listeners. */
  private addEntry(id: string, record: TaskRecord, event: TaskEvent, detail: string): void {
    const entry: TimelineEntry = {
      eventId: event.id, signal: event.signal, type: event.type, process: event.origin.name,
      hostname: event.origin.hostname, pid: event.origin.pid, timestamp: event.timestamp, detail,
    };
    if (record.timeline.length < MAX_TIMELINE) record.timeline.push(entry);
    this.listeners.forEach((l) => l.timeline(id, entry));
  }

  /** The tasks matching `query`, most recently changed first. */
  list(query: TaskQuery = {}): TaskList {
    const names = new Set<string>();
    const queues = new Set<string>();
    const search = query.search?.trim().toLowerCase();
    const matching: TaskSummary[] = [];
    for (const { summary } of this.tasks.values()) {
      if (summary.name !== '') names.add(summary.name);
      if (summary.queue !== null) queues.add(summary.queue);
      if (query.state && summary.state !== query.state) continue;
      if (query.name && summary.name !== query.name) continue;
      if (query.queue && summary.queue !== query.queue) continue;
      if (search && !summary.id.toLowerCase().includes(search)) continue;
      matching.push(summary);
    }
    matching.sort((a, b) => b.updatedAt - a.updatedAt);
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
    return { tasks: matching.slice(0, limit).map(listed), total: matching.length, names: [...names].sort(), queues: [...queues].sort() };
  }

  /** One task with its values whole and its timeline, or `undefined` when never seen. */
  detail(id: string): TaskDetail | undefined {
    const record = this.tasks.get(id);
    if (!record) return undefined;
    return { ...record.summary, timeline: [...record.timeline].sort((a, b) => a.timestamp - b.timestamp) };
  }

  /** Finished runs per task name in buckets of `bucketMs` over the last `spanMs`. */
  charts(now: number, spanMs: number, bucketMs: number): ChartData {
    const count = Math.ceil(spanMs / bucketMs);
    const from = Math.floor(now / bucketMs) * bucketMs - (count - 1) * bucketMs;
    const byName = new Map<string, Array<{ count: number; failed: number; total: number; maxMs: number }>>();
    for (const run of this.finished) {
      if (run.at < from) continue;
      const index = Math.floor((run.at - from) / bucketMs);
      if (index >= count) continue;
      let buckets = byName.get(run.name);
      if (!buckets) byName.set(run.name, (buckets = Array.from({ length: count }, () => ({ count: 0, failed: 0, total: 0, maxMs: 0 }))));
      const bucket = buckets[index]!;
      bucket.count++;
      if (run.failed) bucket.failed++;
      bucket.total += run.runtimeMs;
      bucket.maxMs = Math.max(bucket.maxMs, run.runtimeMs);
    }
    const series = [...byName.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, buckets]) => ({
        name,
        buckets: buckets.map((b) => ({ count: b.count, failed: b.failed, meanMs: b.count ? b.total / b.count : null, maxMs: b.count ? b.maxMs : null })),
      }));
    return { from, bucketMs, series };
  }

  private record(id: string, event: TaskEvent): TaskRecord {
    let record = this.tasks.get(id);
    if (record) return record;
    record = {
      summary: {
        id, name: '', state: 'PENDING', queue: null, args: null, result: null, error: null, retries: 0, runtimeMs: null,
        worker: null, sentAt: null, receivedAt: null, startedAt: null, finishedAt: null, updatedAt: event.timestamp,
      },
      timeline: [],
    };
    this.tasks.set(id, record);
    if (this.tasks.size > this.maxTasks) this.tasks.delete(this.tasks.keys().next().value!);
    return record;
  }

  /** Moves forward only: events of different processes may arrive out of order. */
  private advance(task: TaskSummary, state: TaskStateName): void {
    const order: TaskStateName[] = ['PENDING', 'RECEIVED', 'STARTED'];
    if (order.includes(task.state) && order.indexOf(state) > order.indexOf(task.state)) task.state = state;
    else if (task.state === 'RETRY') task.state = state;
  }

  private finish(task: TaskSummary, at: number, failed: boolean): void {
    task.finishedAt = at;
    this.finished.push({ name: task.name, at, runtimeMs: task.runtimeMs ?? 0, failed });
    if (this.finished.length > MAX_FINISHED) this.finished.splice(0, this.finished.length - MAX_FINISHED);
  }
}

/** A summary with its values cut for lists (a copy). */
export function listed(task: TaskSummary): TaskSummary {
  return { ...task, args: cutValue(task.args, LIST_VALUE_CHARS), result: cutValue(task.result, LIST_VALUE_CHARS), error: cutValue(task.error, LIST_VALUE_CHARS) };
}

/** The detail column of a timeline row, as the sample's demo table shows it. */
function detailOf(signal: string, payload: Record<string, unknown>, task: TaskSummary): string {
  const short = (value: unknown) => showValue(value, DETAIL_VALUE_CHARS).text;
  switch (signal) {
    case 'before_task_publish':
    case 'task_received':
    case 'task_prerun':
      // The task's arguments, already shown once: no need to write them out again per signal.
      return `args ${task.args === null ? short(payload.args) : cutValue(task.args, DETAIL_VALUE_CHARS)!.text}`;
    case 'after_task_publish':
      return `queue ${String(payload.queue)}`;
    case 'task_success':
      return `result ${short(payload.result)} in ${typeof payload.runtimeMs === 'number' ? Math.round(payload.runtimeMs) : '?'} ms`;
    case 'task_retry':
      return `attempt ${String(payload.attempt)} in ${String(payload.delayMs)} ms: ${errorText(payload.error)}`;
    case 'task_failure':
      return `${errorText(payload.error)} after ${String(payload.attempts)} attempt(s)`;
    case 'task_postrun':
      return `state ${String(payload.state)}`;
    case 'task_revoked':
      return `${payload.terminated === true ? 'terminated' : 'revoked'}${payload.expired === true ? ' (expired)' : ''}${typeof payload.reason === 'string' ? `: ${payload.reason}` : ''}`;
    default:
      return 'error' in payload ? errorText(payload.error) : '';
  }
}
