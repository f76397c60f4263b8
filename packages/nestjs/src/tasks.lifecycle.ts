import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { BullmqExecutor, TaskWorker } from '@tasks/bullmq';
import {
  EagerExecutor,
  requireSignal,
  setReceiverTimeout,
  setTasksLogger,
  type ConnectOptions,
  type Receiver,
  type Signal,
  type CanvasExecutor,
  type TasksLogger,
} from '@tasks/core';
import { tasksLogger } from '@tasks/core/internal';
import { TASKS_LOGGER_CONTEXT, TASKS_OPTIONS } from './tasks.constants';
import { TasksExplorer, type DiscoveredReceiver } from './tasks.explorer';
import { TasksImportCheck } from './tasks.import-check';
import type { ResolvedTasksOptions } from './tasks.options';
import { TasksRuntime } from './tasks.runtime';
import { checkAppSchedules, startSchedules } from './tasks.schedules';

/** One `@OnSignal()` line, resolved to its signal and ready to connect. */
interface PendingConnection {
  readonly signal: Signal<object>;
  readonly receiver: Receiver<object>;
  readonly options: ConnectOptions;
}

/**
 * Starts and stops the app's tasks in Nest's lifecycle: collects and validates
 * in `onModuleInit`, starts the worker in `onApplicationBootstrap`, drains it in
 * `beforeApplicationShutdown` and closes connections in `onApplicationShutdown`.
 * A failed start releases what it opened before rethrowing, since an app whose
 * `init()` failed is usually never closed.
 */
@Injectable()
export class TasksLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(TASKS_LOGGER_CONTEXT);
  private readonly libraryLogger: TasksLogger = {
    log: (message) => this.logger.log(message),
    warn: (message) => this.logger.warn(message),
    error: (message, stack) => (stack === undefined ? this.logger.error(message) : this.logger.error(message, stack)),
  };
  private previousLogger: TasksLogger | undefined;

  constructor(
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
    private readonly explorer: TasksExplorer,
    private readonly runtime: TasksRuntime,
    private readonly importCheck: TasksImportCheck,
  ) {}

  async onModuleInit(): Promise<void> {
    this.previousLogger = setTasksLogger(this.libraryLogger);
    try {
      this.importCheck.assertOnlyOne();
      setReceiverTimeout(this.options.receiverTimeoutMs);
      const { taskHolders, receivers } = this.explorer.explore();
      const tasks = taskHolders.flatMap((instance) => this.runtime.registry.registerInstance(instance));
      // Every signal is resolved before the first connection, so a bad name leaves nothing connected.
      const connections = receivers.flatMap((found) => this.resolve(found));
      for (const { signal, receiver, options } of connections) this.runtime.addConnection(signal.connect(receiver, options));
      this.logger.log(`Registered ${tasks.length} task(s), connected ${connections.length} signal receiver(s)${this.options.eager ? ', eager mode' : ''}`);

      checkAppSchedules(this.options, this.runtime.registry);
      const executor = await this.createExecutor();
      this.runtime.useExecutor(executor);
      this.runtime.useSchedules(await startSchedules(this.options, this.runtime.registry, executor));
      const worker = this.createWorker();
      if (worker) this.runtime.useWorker(worker);
    } catch (error) {
      await this.failStart(error);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const worker = this.runtime.worker;
    if (!worker) return;
    try {
      await worker.start();
    } catch (error) {
      // Closing also releases what the start opened before it failed.
      await worker.close().catch((closeError: unknown) => this.logger.error(`Closing worker ${worker.name} after a failed start: ${String(closeError)}`));
      await this.failStart(error);
    }
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    await this.runtime.worker?.close({ processSignal: signal });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.release();
  }

  private resolve(found: DiscoveredReceiver): PendingConnection[] {
    const receiver = bindReceiver(found);
    return found.handlers.map(({ signal, sender, dispatchUid, scope }) => ({ signal: requireSignal(signal, found.source), receiver, options: { sender, dispatchUid, scope } }));
  }

  private createExecutor(): CanvasExecutor | Promise<CanvasExecutor> {
    const { eager, connection, prefix, cluster, connectTimeoutMs, results, worker, telemetry, canvas, eventsMaxLength, maxPayloadBytes, bullmq } = this.options;
    if (eager) return new EagerExecutor(this.runtime.registry, undefined, canvas);
    // Results are looked up in the registry's queues; the worker's own may add some.
    const queues = worker === false || worker.queues === undefined ? undefined : [...worker.queues];
    return BullmqExecutor.connect({ connection, prefix, cluster, connectTimeoutMs, results, telemetry, queues, maxPayloadBytes, bullmq, registry: this.runtime.registry, canvas, eventsMaxLength });
  }

  private createWorker(): TaskWorker | undefined {
    const { eager, worker, connection, prefix, cluster, connectTimeoutMs, shutdownTimeoutMs, telemetry, events, eventsMaxLength, maxPayloadBytes, bullmq } = this.options;
    if (eager || worker === false) return undefined;
    const queues = worker.queues ?? this.runtime.registry.queues();
    if (queues.length === 0) {
      this.logger.log('No worker started: this app has no tasks and no worker.queues; it only publishes.');
      return undefined;
    }
    return new TaskWorker({ ...worker, connection, prefix, cluster, connectTimeoutMs, shutdownTimeoutMs, telemetry, events, eventsMaxLength, maxPayloadBytes, bullmq, registry: this.runtime.registry, queues: [...queues] });
  }

  /** Logs why the start failed, releases what it opened, and rethrows. */
  private async failStart(error: unknown): Promise<never> {
    this.logger.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
    await this.release();
    throw error;
  }

  private async release(): Promise<void> {
    await this.runtime.release();
    // Another app in the process may have installed its logger since; leave that one.
    if (this.previousLogger !== undefined && tasksLogger() === this.libraryLogger) setTasksLogger(this.previousLogger);
    this.previousLogger = undefined;
  }
}

/** Binds a receiver method to its instance, named `Class#method` for the logs of a failing receiver. */
function bindReceiver({ instance, method, source }: DiscoveredReceiver): Receiver<object> {
  const receiver = (event: object): unknown => (method as (event: object) => unknown).call(instance, event);
  Object.defineProperty(receiver, 'name', { value: source });
  return receiver;
}
