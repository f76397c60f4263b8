import type { TaskRegistry } from '@tasks/core';
import { Queue } from 'bullmq';
import { loadavg } from 'node:os';
import { ClusterNode, type ControlledWorker } from '../cluster/cluster-node';
import { queuePrefix } from '../connection/key-prefix';
import { lastCommand } from '../connection/redis-client';
import { WORKER_HEARTBEAT, type WorkerHeartbeatPayload } from '../events/task-event';
import { tasksKeys } from '../keys';
import type { BullmqConnectionOptions } from '../options';
import type { ControlCommand, InspectWhat } from '../message/bus-message';
import type { HeldTask, WorkerActivity } from './worker-activity';

/** Heartbeats, as Celery's: every 2 s. */
export const HEARTBEAT_MS = 2000;

/** What a worker shows of itself to remote control. */
export interface RemoteWorkerView {
  readonly name: string;
  readonly queues: readonly string[];
  concurrency(): number;
  readonly registry: TaskRegistry;
  readonly activity: WorkerActivity;
  readonly prefix: string;
  revokedIds(): string[];
  setConcurrency(concurrency: number): void;
  /** Starts a warm shutdown; does not wait for it. */
  shutdown(): void;
}

/** `inspect('stats')` of one worker. */
export interface WorkerStats {
  hostname: string;
  pid: number;
  queues: readonly string[];
  concurrency: number;
  active: number;
  processed: number;
  succeeded: number;
  failed: number;
  retried: number;
  uptimeMs: number;
  memory: { rssBytes: number; heapUsedBytes: number };
  node: string;
}

/** A scheduled (delayed) task of a worker's queues, as `inspect('scheduled')` reports it. */
export interface ScheduledTask {
  id: string;
  name: string;
  queue: string;
  /** When it becomes due (epoch ms). */
  eta: number;
}

/** What the entry of a worker in `<prefix>::workers` holds. */
export interface WorkerEntry {
  name: string;
  hostname: string;
  pid: number;
  queues: readonly string[];
  /** The tasks it runs, each with its queue: where a client that does not know a task publishes it. */
  tasks: Readonly<Record<string, string>>;
  concurrency: number;
  active: number;
  processed: number;
  startedAt: number;
  heartbeatAt: number;
}

/**
 * A worker's side of remote control and monitoring: answers control requests,
 * keeps its entry in `<prefix>::workers` fresh every 2 s, and sends a
 * `worker-heartbeat` event each time someone listens to them.
 */
export class WorkerRemote implements ControlledWorker {
  private readonly timer: NodeJS.Timeout;
  private readonly undo: Array<() => void> = [];

  private constructor(
    private readonly node: ClusterNode,
    private readonly worker: RemoteWorkerView,
    private readonly options: BullmqConnectionOptions,
    emitAlways: boolean,
  ) {
    node.nameAs(worker.name);
    this.undo.push(node.addWorker(this));
    if (emitAlways) this.undo.push(node.emitAlways());
    this.timer = setInterval(() => void this.beat().catch(() => undefined), HEARTBEAT_MS);
    this.timer.unref();
  }

  static async start(options: BullmqConnectionOptions & { events?: boolean }, worker: RemoteWorkerView): Promise<WorkerRemote> {
    const node = await ClusterNode.acquire(options);
    const remote = new WorkerRemote(node, worker, options, options.events === true);
    await remote.beat();
    return remote;
  }

  get name(): string {
    return this.worker.name;
  }

  async answer(command: ControlCommand): Promise<unknown> {
    switch (command.command) {
      case 'ping':
        return 'pong';
      case 'inspect':
        return this.inspect(command.what);
      case 'setConcurrency':
        this.worker.setConcurrency(command.concurrency);
        void this.beat().catch(() => undefined);
        return { concurrency: command.concurrency };
      case 'shutdown':
        // After the reply is sent.
        setImmediate(() => this.worker.shutdown());
        return 'shutting down';
    }
  }

  /** Stops answering and removes the worker's entry. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.undo.splice(0).forEach((undo) => undo());
    // Left to age when Redis does not take it (its heartbeat stops): the close goes on.
    await lastCommand(this.node.commands, () => this.node.commands.hdel(tasksKeys.workers(this.worker.prefix), this.worker.name));
    await this.node.release();
  }

  private async inspect(what: InspectWhat): Promise<HeldTask[] | ScheduledTask[] | string[] | WorkerStats> {
    const { activity } = this.worker;
    switch (what) {
      case 'active':
        return activity.active();
      case 'reserved':
        return activity.reserved();
      case 'registered':
        return this.worker.registry.names();
      case 'revoked':
        return this.worker.revokedIds();
      case 'stats':
        return this.stats();
      case 'scheduled':
        return this.scheduled();
    }
  }

  private stats(): WorkerStats {
    const { activity } = this.worker;
    const memory = process.memoryUsage();
    return {
      hostname: this.node.origin.hostname,
      pid: process.pid,
      queues: this.worker.queues,
      concurrency: this.worker.concurrency(),
      active: activity.activeCount,
      processed: activity.processed,
      succeeded: activity.succeeded,
      failed: activity.failed,
      retried: activity.retried,
      uptimeMs: Date.now() - activity.startedAt,
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
      node: process.version,
    };
  }

  /** Delayed tasks of this worker's queues (they wait in Redis, not in the worker: workers of one queue report the same ones). */
  private async scheduled(): Promise<ScheduledTask[]> {
    const found: ScheduledTask[] = [];
    for (const name of this.worker.queues) {
      // With queues sharded over a cluster, each queue has a prefix of its own.
      const queue = new Queue(name, { connection: this.node.commands, prefix: queuePrefix(this.options, name) });
      try {
        for (const job of await queue.getDelayed(0, 99)) {
          found.push({ id: String(job.id), name: job.name, queue: name, eta: job.timestamp + job.delay });
        }
      } finally {
        await queue.close();
      }
    }
    return found;
  }

  private async beat(): Promise<void> {
    const { activity, registry } = this.worker;
    const entry: WorkerEntry = {
      name: this.worker.name,
      hostname: this.node.origin.hostname,
      pid: process.pid,
      queues: this.worker.queues,
      tasks: Object.fromEntries(registry.names().map((name) => [name, registry.get(name)!.options.queue])),
      concurrency: this.worker.concurrency(),
      active: activity.activeCount,
      processed: activity.processed,
      startedAt: activity.startedAt,
      heartbeatAt: Date.now(),
    };
    await this.node.commands.hset(tasksKeys.workers(this.worker.prefix), this.worker.name, JSON.stringify(entry));
    if (this.node.wants(WORKER_HEARTBEAT, this.worker.name)) {
      const payload: WorkerHeartbeatPayload = { queues: entry.queues, concurrency: entry.concurrency, active: entry.active, processed: entry.processed, loadavg: loadavg() };
      this.node.publish(WORKER_HEARTBEAT, this.worker.name, payload);
    }
  }
}
