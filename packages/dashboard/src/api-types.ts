// Shapes of the dashboard's JSON and event-stream messages, shared by the server and the page.

/** A state as Celery (and `TaskState`) names it, or `REJECTED` for a message no worker could read. */
export type TaskStateName = 'PENDING' | 'RECEIVED' | 'STARTED' | 'RETRY' | 'SUCCESS' | 'FAILURE' | 'REVOKED' | 'REJECTED';

/** A value as JSON text, cut in lists; the task's detail holds it whole. */
export interface ShownValue {
  text: string;
  truncated: boolean;
}

/** One task as the lists show it. */
export interface TaskSummary {
  id: string;
  name: string;
  state: TaskStateName;
  queue: string | null;
  args: ShownValue | null;
  result: ShownValue | null;
  /** `Name: message` of the error that failed or retried it, or the revoke reason. */
  error: ShownValue | null;
  retries: number;
  runtimeMs: number | null;
  /** The worker (its name) that received it. */
  worker: string | null;
  sentAt: number | null;
  receivedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
}

/** One signal of a task's timeline. */
export interface TimelineEntry {
  eventId: string;
  signal: string;
  /** Celery's event name, or `null`. */
  type: string | null;
  /** The process that sent it (`name`), and where it ran. */
  process: string;
  hostname: string;
  pid: number;
  timestamp: number;
  detail: string;
}

/** One task with its values whole and its timeline. */
export interface TaskDetail extends TaskSummary {
  timeline: TimelineEntry[];
}

/** A page of the task list. */
export interface TaskList {
  tasks: TaskSummary[];
  /** Tasks matching the filters, before the limit. */
  total: number;
  names: string[];
  queues: string[];
}

/** One worker, from its heartbeats and its `stats` answer. */
export interface WorkerRow {
  name: string;
  hostname: string;
  pid: number;
  online: boolean;
  heartbeatAgeMs: number;
  queues: string[];
  concurrency: number;
  active: number;
  processed: number;
  failed: number | null;
  succeeded: number | null;
  memoryRssBytes: number | null;
  heapUsedBytes: number | null;
  uptimeMs: number | null;
}

/** Finished tasks of one name per time bucket. */
export interface ChartSeries {
  name: string;
  /** Per bucket: finished tasks, failed among them, mean and max runtime (ms; `null` without tasks). */
  buckets: Array<{ count: number; failed: number; meanMs: number | null; maxMs: number | null }>;
}

export interface ChartData {
  /** Start of the first bucket (epoch ms). */
  from: number;
  bucketMs: number;
  series: ChartSeries[];
}

/** One periodic task. */
export interface ScheduleRow {
  id: string;
  task: string;
  source: string;
  /** `cron <expr>` or `every <n> ms`, with its time zone. */
  when: string;
  queue: string;
  args: ShownValue;
  nextRunAt: number | null;
  lastRunAt: number | null;
}

/** What an action answered. */
export interface ActionOutcome {
  ok: boolean;
  message: string;
  /** The new task of a retry or a run-now. */
  taskId?: string;
}

/** Messages of the event stream, by SSE event name. */
export interface StreamMessages {
  task: TaskSummary;
  timeline: { taskId: string; entry: TimelineEntry };
  worker: { name: string };
}
