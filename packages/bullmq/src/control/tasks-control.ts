import { Queue } from 'bullmq';
import { ClusterNode, DEFAULT_REPLY_TIMEOUT_MS } from '../cluster/cluster-node';
import { keyPrefix, queuePrefix } from '../connection/key-prefix';
import { tasksKeys } from '../keys';
import { findQueues } from '../queues/find-queues';
import type { BullmqConnectionOptions } from '../options';
import type { ControlCommand, InspectWhat, WorkerAnswer } from '../message/bus-message';
import { TaskEvents, type TaskEventsOptions } from '../events/task-events';
import type { TaskEvent } from '../events/task-event';
import type { HeldTask } from './worker-activity';
import type { ScheduledTask, WorkerEntry, WorkerStats } from './worker-remote';

/** Options of {@link TasksControl}. */
export interface TasksControlOptions extends BullmqConnectionOptions {
  /** How long to gather replies, unless a call says otherwise. Default: 1000. */
  timeoutMs?: number;
}

/** Options of one control call. */
export interface ControlCallOptions {
  /** Only this worker (its name) answers and acts. Default: every worker. */
  worker?: string;
  /** How long to gather replies. Default: the control's `timeoutMs`. */
  timeoutMs?: number;
}

/** One worker's reply: who it is, and its value, or the error it met. */
export interface WorkerReply<Value> {
  /** The worker's name (`tasks@host:pid` by default). */
  worker: string;
  hostname: string;
  pid: number;
  value?: Value;
  error?: string;
}

/** What `inspect(what)` returns per worker. */
export interface InspectValues {
  active: HeldTask[];
  reserved: HeldTask[];
  scheduled: ScheduledTask[];
  registered: string[];
  stats: WorkerStats;
  revoked: string[];
}

/** A worker as its last heartbeat described it. */
export interface WorkerStatus extends WorkerEntry {
  /** Milliseconds since its last heartbeat (every 2 s while alive). */
  heartbeatAgeMs: number;
}

/**
 * Remote control and inspection of the workers on one Redis and prefix, as
 * Celery's `inspect` and `control`. Replies are gathered until every process
 * answered or `timeoutMs` passed; each names its worker.
 *
 * Anyone who can write to the Redis can send these requests, as with Celery's
 * broker: protect the Redis, not the workers.
 *
 * @example
 * const control = new TasksControl({ connection: 'redis://127.0.0.1:6379' });
 * console.log(await control.ping());              // [{ worker: 'tasks@host:4242', hostname, pid, latencyMs: 3 }]
 * console.log(await control.inspect('active'));   // [{ worker, hostname, pid, value: [{ id, name, args, … }] }]
 * await control.close();
 */
export class TasksControl {
  private node: Promise<ClusterNode> | undefined;
  private readonly prefix: string;

  constructor(private readonly options: TasksControlOptions = {}) {
    this.prefix = keyPrefix(options);
  }

  /** Asks every worker (or `worker`) to answer; resolves with who did and how long each took. */
  async ping(options: ControlCallOptions = {}): Promise<Array<WorkerReply<'pong'> & { latencyMs: number }>> {
    const started = Date.now();
    const replies = await this.send({ command: 'ping' }, options);
    return replies.map(({ receivedAt, ...reply }) => ({ ...(reply as WorkerReply<'pong'>), latencyMs: (receivedAt ?? Date.now()) - started }));
  }

  /** What each worker holds or knows: running tasks, reserved, scheduled, registered names, stats, revoked ids. */
  inspect<What extends InspectWhat>(what: What, options: ControlCallOptions = {}): Promise<WorkerReply<InspectValues[What]>[]> {
    return this.send({ command: 'inspect', what }, options) as Promise<WorkerReply<InspectValues[What]>[]>;
  }

  /** Changes how many tasks `worker` runs at once, per queue. */
  setConcurrency(worker: string, concurrency: number, options: Omit<ControlCallOptions, 'worker'> = {}): Promise<WorkerReply<{ concurrency: number }>[]> {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new TypeError(`TasksControl.setConcurrency(): concurrency must be an integer of 1 or more, got ${concurrency}.`);
    }
    return this.send({ command: 'setConcurrency', concurrency }, { ...options, worker }) as Promise<WorkerReply<{ concurrency: number }>[]>;
  }

  /** Warm shutdown of every worker (or `worker`): each stops taking tasks and finishes those it runs. */
  shutdown(options: ControlCallOptions = {}): Promise<WorkerReply<string>[]> {
    return this.send({ command: 'shutdown' }, options) as Promise<WorkerReply<string>[]>;
  }

  /**
   * Removes every task waiting in `queue` (waiting, prioritized and delayed;
   * running ones are left alone), as Celery's `purge`.
   * @returns how many tasks were removed.
   */
  async purge(queue: string): Promise<number> {
    if (typeof queue !== 'string' || queue === '' || queue.includes(':')) {
      throw new TypeError(`TasksControl.purge(): give a queue name without ':', got ${JSON.stringify(queue)}.`);
    }
    const node = await this.connect();
    const bullQueue = new Queue(queue, { connection: node.commands, prefix: queuePrefix(this.options, queue) });
    try {
      const counts = await bullQueue.getJobCounts('wait', 'prioritized', 'delayed');
      await bullQueue.drain(true);
      return Object.values(counts).reduce((sum, count) => sum + count, 0);
    } finally {
      await bullQueue.close();
    }
  }

  /**
   * The queues of this prefix that exist in Redis (BullMQ keeps a `meta` key for each
   * queue a task was ever published to), sorted. On a cluster every master is searched.
   */
  async queues(): Promise<string[]> {
    const node = await this.connect();
    return findQueues(node.commands, this.options);
  }

  /** The workers that heartbeat in this prefix, with how long ago each last did. */
  async workers(): Promise<WorkerStatus[]> {
    const node = await this.connect();
    const entries = await node.commands.hgetall(tasksKeys.workers(this.prefix));
    const now = Date.now();
    return Object.values(entries)
      .flatMap((json) => {
        try {
          const entry = JSON.parse(json) as WorkerEntry;
          return typeof entry.name === 'string' && typeof entry.heartbeatAt === 'number' ? [{ ...entry, heartbeatAgeMs: now - entry.heartbeatAt }] : [];
        } catch {
          return [];
        }
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Opens a {@link TaskEvents} reader on this control's Redis and prefix (what a
   * dashboard or a NestJS provider holding only the control needs). Close it when done.
   */
  events(options: Pick<TaskEventsOptions, 'from' | 'interests'> = {}): Promise<TaskEvents> {
    return TaskEvents.open({ ...this.options, ...options });
  }

  /** The events the stream of this control's prefix holds, oldest first ({@link TaskEvents.history}). */
  eventHistory(options: { from?: string; count?: number } = {}): Promise<TaskEvent[]> {
    return TaskEvents.history({ ...this.options, ...options });
  }

  /** Closes the connections this control opened (shared with executors and workers of the process). */
  async close(): Promise<void> {
    const node = this.node;
    this.node = undefined;
    if (node) await (await node.catch(() => undefined))?.release();
  }

  private async send(command: ControlCommand, options: ControlCallOptions): Promise<Array<WorkerReply<unknown> & { receivedAt?: number }>> {
    const node = await this.connect();
    const answers = await node.request(command, { worker: options.worker, timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS });
    return answers.map(toReply).sort((a, b) => a.worker.localeCompare(b.worker));
  }

  private connect(): Promise<ClusterNode> {
    this.node ??= ClusterNode.acquire(this.options);
    return this.node;
  }
}

function toReply(answer: WorkerAnswer): WorkerReply<unknown> & { receivedAt?: number } {
  const who = { worker: answer.worker, hostname: answer.hostname, pid: answer.pid, receivedAt: answer.receivedAt };
  return answer.ok ? { ...who, value: answer.value } : { ...who, error: answer.error };
}
