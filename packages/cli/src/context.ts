import { BullmqExecutor, TasksControl, type BullmqConnectionOptions } from '@tasks/bullmq';
import { Redis } from 'ioredis';
import { UsageError } from './errors/usage.error';
import { Printer } from './output/printer';

/** The options every command takes. */
export interface GlobalOptions {
  url: string;
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
  /** Reply timeout; `timeoutGiven` says whether `--timeout` was on the command line. */
  readonly timeoutMs: number;
  private control: TasksControl | undefined;
  private executor: Promise<BullmqExecutor> | undefined;

  constructor(
    options: GlobalOptions,
    readonly timeoutGiven: boolean,
  ) {
    this.printer = new Printer(options.json);
    const timeoutMs = Number(options.timeout);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a number of milliseconds above 0, got '${options.timeout}'.`);
    this.timeoutMs = timeoutMs;
    if (options.prefix === '') throw new UsageError('--prefix must not be empty.');
    this.connection = { connection: options.url, prefix: options.prefix, connectTimeoutMs: Math.max(timeoutMs, 2000) };
  }

  tasksControl(): TasksControl {
    this.control ??= new TasksControl({ ...this.connection, timeoutMs: this.timeoutMs });
    return this.control;
  }

  /** An executor that knows every queue of the prefix, so results are found whatever their queue. */
  tasksExecutor(): Promise<BullmqExecutor> {
    this.executor ??= this.queues().then((queues) => BullmqExecutor.connect({ ...this.connection, queues }));
    return this.executor;
  }

  async close(): Promise<void> {
    await this.control?.close();
    const executor = await this.executor?.catch(() => undefined);
    await executor?.close();
  }

  /** The prefix's queues, from the `<prefix>:<queue>:meta` keys BullMQ keeps. */
  private async queues(): Promise<string[]> {
    const redis = new Redis(String(this.connection.connection), { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: this.connection.connectTimeoutMs });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      const found = new Set<string>();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.connection.prefix}:*:meta`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) found.add(key.slice(this.connection.prefix!.length + 1, -':meta'.length));
      } while (cursor !== '0');
      return [...found].filter((queue) => queue !== '' && !queue.includes(':'));
    } catch {
      // BullmqExecutor.connect reports an unreachable Redis with a clear error.
      return [];
    } finally {
      redis.disconnect();
    }
  }
}
