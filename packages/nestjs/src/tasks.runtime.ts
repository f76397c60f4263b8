import { Inject, Injectable } from '@nestjs/common';
import { TasksStatusProbe, type StatusCheckOptions, type TaskWorker, type TasksStatus } from '@tasks/bullmq';
import { TaskRegistry, type CanvasExecutor, type TaskSchedules } from '@tasks/core';
import { TasksNotReadyError } from './errors/tasks-not-ready.error';
import { TASKS_OPTIONS } from './tasks.constants';
import type { ResolvedTasksOptions } from './tasks.options';

type RuntimeState = 'created' | 'running' | 'closed';

/**
 * What one app has live: its task registry, the executor `TaskClient` uses,
 * the worker if it runs one, and the signal connections it made. Kept on a
 * provider, not in static fields, so two apps in one process stay apart.
 */
@Injectable()
export class TasksRuntime {
  /** Tasks of this app; filled in `onModuleInit`, before anything is published. */
  readonly registry: TaskRegistry;
  private currentExecutor: CanvasExecutor | undefined;
  private currentWorker: TaskWorker | undefined;
  private currentSchedules: TaskSchedules | undefined;
  private readonly disconnects: Array<() => boolean> = [];
  private state: RuntimeState = 'created';
  private probe: TasksStatusProbe | undefined;

  constructor(@Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions) {
    this.registry = new TaskRegistry(options.defaults);
  }

  /** The executor; throws {@link TasksNotReadyError} before start or after close. */
  executor(call: string): CanvasExecutor {
    if (this.currentExecutor === undefined) throw new TasksNotReadyError(call, this.state === 'closed');
    return this.currentExecutor;
  }

  /** The schedules; throws {@link TasksNotReadyError} before start or after close. */
  schedules(call: string): TaskSchedules {
    if (this.currentSchedules === undefined) throw new TasksNotReadyError(call, this.state === 'closed');
    return this.currentSchedules;
  }

  /** Makes `schedules` the ones `TaskClient.schedules` gives. */
  useSchedules(schedules: TaskSchedules): void {
    this.currentSchedules = schedules;
  }

  /** The worker, when this app runs one and it has been created. */
  get worker(): TaskWorker | undefined {
    return this.currentWorker;
  }

  /** Keeps a signal connection, to be undone when the app closes. */
  addConnection(disconnect: () => boolean): void {
    this.disconnects.push(disconnect);
  }

  /** Makes `executor` the one `TaskClient` delegates to. */
  useExecutor(executor: CanvasExecutor): void {
    this.currentExecutor = executor;
    this.state = 'running';
  }

  /** Keeps the worker to start and drain. */
  useWorker(worker: TaskWorker): void {
    this.currentWorker = worker;
    // Made now, before the worker starts, so that it sees every worker signal.
    this.probe = this.createProbe(worker);
  }

  /**
   * Redis reachability (a PING within `timeoutMs`), the worker's state and the depth
   * of this app's queues. Not `ok` before the app started, while the worker starts or
   * drains, and after close. Eager mode has no Redis and is `ok` while the app runs.
   */
  async status(options?: StatusCheckOptions): Promise<TasksStatus> {
    if (this.state !== 'running') return { ok: false, redis: undefined, worker: undefined, queues: {} };
    if (this.options.eager) return { ok: true, redis: undefined, worker: undefined, queues: {} };
    this.probe ??= this.createProbe(undefined);
    return this.probe.check(options);
  }

  private createProbe(worker: TaskWorker | undefined): TasksStatusProbe {
    const { connection, prefix, cluster, connectTimeoutMs } = this.options;
    return new TasksStatusProbe({ connection, prefix, cluster, connectTimeoutMs, worker, queues: worker?.queues ?? this.registry.queues() });
  }

  /** Disconnects receivers and closes the executor. Safe to call more than once. */
  async release(): Promise<void> {
    this.state = 'closed';
    for (const disconnect of this.disconnects.splice(0)) disconnect();
    const executor = this.currentExecutor;
    this.currentExecutor = undefined;
    this.currentWorker = undefined;
    this.currentSchedules = undefined;
    const probe = this.probe;
    this.probe = undefined;
    await Promise.all([executor?.close(), probe?.close()]);
  }
}
