import { BullmqExecutor, TasksControl, type BullmqConnectionOptions } from '@tasks/bullmq';
import { ClusterShardingError } from '@tasks/core';
import { connectionFromFlags } from './connection-options';
import { UsageError } from './errors/usage.error';
import { Printer } from './output/printer';

/** The options every command takes. */
export interface GlobalOptions {
  url: string;
  cluster?: string;
  shardByQueue: boolean;
  prefix: string;
  json: boolean;
  timeout: string;
}

/** Default reply timeout, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 1000;

/**
 * What a command runs with: the printer, the connection options from the
 * global flags, and the clients it opens (closed once, at the end).
 */
export class CliContext {
  readonly printer: Printer;
  readonly connection: BullmqConnectionOptions;
  /** Reply timeout, in milliseconds. */
  readonly timeoutMs: number;
  /** Whether `--timeout` was on the command line. */
  readonly timeoutGiven: boolean;
  private readonly control: TasksControl;
  private executor: Promise<BullmqExecutor> | undefined;

  /** @param given the global options given on the command line (not defaulted, nor from the environment). */
  constructor(options: GlobalOptions, given: ReadonlySet<keyof GlobalOptions>) {
    this.printer = new Printer(options.json);
    const timeoutMs = Number(options.timeout);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a number of milliseconds above 0, got '${options.timeout}'.`);
    this.timeoutMs = timeoutMs;
    this.timeoutGiven = given.has('timeout');
    if (options.prefix === '') throw new UsageError('--prefix must not be empty.');
    const target = connectionFromFlags({ url: options.url, urlGiven: given.has('url'), cluster: options.cluster, shardByQueue: options.shardByQueue });
    this.connection = { ...target, prefix: options.prefix, connectTimeoutMs: Math.max(timeoutMs, 2000) };
    try {
      // Opens nothing yet; checks the prefix against the key layout.
      this.control = new TasksControl({ ...this.connection, timeoutMs: this.timeoutMs });
    } catch (error) {
      if (!(error instanceof ClusterShardingError)) throw error;
      throw new UsageError(
        `--prefix '${options.prefix}' holds a hash tag, which --shard-by-queue can not take: each queue gets a tag of its own ('{<prefix>:<queue>}'); give the prefix without braces, or drop --shard-by-queue.`,
      );
    }
  }

  tasksControl(): TasksControl {
    return this.control;
  }

  /** An executor that knows every queue of the prefix, so results are found whatever their queue. */
  tasksExecutor(): Promise<BullmqExecutor> {
    this.executor ??= this.control.queues().then((queues) => BullmqExecutor.connect({ ...this.connection, queues }));
    return this.executor;
  }

  async close(): Promise<void> {
    await this.control.close();
    const executor = await this.executor?.catch(() => undefined);
    await executor?.close();
  }
}
