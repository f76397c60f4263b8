import { Canvas, type CanvasOptions } from '../canvas/canvas';
import type { CanvasExecutor } from '../canvas/canvas-executor';
import type { CanvasPlan } from '../canvas/canvas-plan';
import { runEagerCanvas } from '../canvas/eager-canvas';
import { readCanvasIds } from '../canvas/canvas-ids';
import { Signature } from '../canvas/signature';
import { ChordError, TaskFailedError, TaskTimeoutError, UnknownTaskError } from '../errors';
import { preparePublish, type PreparedPublish } from '../publish/prepare-publish';
import type { JsonValue } from '../serialization/json-value';
import { afterTaskPublish, taskReceived, taskUnknown } from '../signals/builtins';
import { traceAttempt, type AttemptOptions } from '../tracer/trace-attempt';
import type { AsyncResult, GetResultOptions, RevokeOptions, RevokeOutcome } from '../tasks/async-result';
import type { PublishOptions, TaskRequest } from '../tasks/task-message';
import type { TaskRegistry } from '../tasks/task-registry';
import { TaskState } from '../tasks/task-state';

type EagerRecord =
  | { state: typeof TaskState.PENDING | typeof TaskState.STARTED | typeof TaskState.RETRY }
  | { state: typeof TaskState.SUCCESS; result: JsonValue }
  | { state: typeof TaskState.FAILURE; error: Error; name: string };

const DEFAULT_KEEP_RESULTS = 10_000;

/** What the eager canvas hands an attempt: the tracer's canvas hooks. */
export type EagerHooks = Pick<AttemptOptions, 'beforeSuccess' | 'beforeFailure'>;

/** A call published and not run yet; see {@link EagerExecutor.publishOnly}. */
export interface EagerPublished {
  taskId: string;
  run(hooks?: EagerHooks, joinedArgs?: readonly unknown[]): Promise<void>;
}

/**
 * Runs tasks inline in the caller, without Redis, through the same tracer as the
 * worker: the same signals and hooks in the same order, publish signals included.
 * Retries run at once (their delay is not slept); `delayMs`, `eta` and `priority`
 * are accepted and ignored. Results are kept in memory for `result(id)`, up to `keepResults`.
 *
 * @example
 * const registry = new TaskRegistry();
 * registry.registerInstance(new EmailTasks());
 * const tasks = new EagerExecutor(registry);
 * await (await tasks.delay('emails.send', 'a@b.c', 'hi')).get();
 */
export class EagerExecutor implements CanvasExecutor {
  private readonly records = new Map<string, EagerRecord>();
  /** Chains, groups and chords run inline; every task they name must be registered here. */
  readonly canvas: Canvas;

  /**
   * @param keepResults how many tasks' results are kept for `result(id)`, the oldest
   *   dropped first (a dropped id reads as unknown). Default: 10,000.
   * @param canvasOptions limits of canvases (`maxGroupSize`); unknown tasks are always refused.
   */
  constructor(
    private readonly registry: TaskRegistry,
    private readonly keepResults = DEFAULT_KEEP_RESULTS,
    canvasOptions: CanvasOptions = {},
  ) {
    this.canvas = new Canvas(this, registry, { ...canvasOptions, knownTasksOnly: true });
  }

  delay(name: string, ...args: unknown[]): Promise<AsyncResult> {
    return this.applyAsync(name, args);
  }

  async applyAsync(name: string, args: readonly unknown[] = [], options: PublishOptions = {}): Promise<AsyncResult> {
    if (options.link !== undefined || options.linkError !== undefined) return this.canvas.run(new Signature(name, args, options)) as Promise<AsyncResult>;
    const published = await this.publishOnly(name, args, options);
    await published.run();
    return this.result(published.taskId);
  }

  /**
   * @internal Publishes a call (`before_task_publish`, `after_task_publish`) without running
   * it; `run` runs it, with canvas hooks and, for a chord callback, its joined arguments.
   * The eager canvas runs its tasks in the order a worker would.
   */
  async publishOnly(name: string, args: readonly unknown[], options: PublishOptions): Promise<EagerPublished> {
    const call = await preparePublish(name, args, options, this.registry);
    // The same id twice does not run twice, as with the BullMQ executor.
    if (this.records.has(call.taskId)) return { taskId: call.taskId, run: async () => undefined };
    this.records.set(call.taskId, { state: TaskState.PENDING });
    // Maps keep insertion order: the first key is the oldest task.
    if (this.records.size > this.keepResults) this.records.delete(this.records.keys().next().value!);
    await afterTaskPublish.send(name, { taskId: call.taskId, args: call.args, headers: call.headers, queue: call.queue });
    return { taskId: call.taskId, run: (hooks, joinedArgs) => this.execute(call, hooks, joinedArgs) };
  }

  /** Runs a canvas inline; see `Canvas`. */
  publishCanvas(plan: CanvasPlan): Promise<void> {
    return runEagerCanvas(this, plan);
  }

  /** @internal A canvas task that will never run, recorded as failed with the error that stopped it. */
  recordFailure(taskId: string, name: string, error: Error): void {
    this.records.set(taskId, { state: TaskState.FAILURE, error, name });
  }

  result(taskId: string): AsyncResult {
    return new EagerResult(taskId, () => this.records.get(taskId));
  }

  async revoke(taskId: string): Promise<RevokeOutcome> {
    // Eager tasks have finished before their id is known: nothing is left to revoke.
    return { taskId, revoked: false, terminated: false, previousState: this.records.get(taskId)?.state ?? TaskState.PENDING };
  }

  async close(): Promise<void> {
    this.records.clear();
  }

  private async execute(call: PreparedPublish, hooks: EagerHooks = {}, joinedArgs?: readonly unknown[]): Promise<void> {
    const task = this.registry.get(call.name);
    if (!task) {
      const error = new UnknownTaskError(call.name, call.taskId);
      await taskUnknown.send(call.name, { taskId: call.taskId, name: call.name, error });
      this.records.set(call.taskId, { state: TaskState.FAILURE, error, name: call.name });
      return;
    }
    let headers = call.headers;
    for (let retries = 0; ; retries++) {
      const request: TaskRequest = {
        id: call.taskId,
        name: call.name,
        args: JSON.parse(JSON.stringify(joinedArgs ?? call.args)) as JsonValue[],
        headers,
        queue: call.queue,
        retries,
        publishedAt: call.publishedAt,
        expiresAt: call.expiresAt,
        timeLimitMs: call.timeLimitMs,
      };
      readCanvasIds(request);
      await taskReceived.send(call.name, { taskId: call.taskId, args: request.args, request });
      this.records.set(call.taskId, { state: TaskState.STARTED });
      const outcome = await traceAttempt(task, request, hooks);
      if (outcome.state === TaskState.RETRY) {
        this.records.set(call.taskId, { state: TaskState.RETRY });
        headers = outcome.headers;
        continue;
      }
      this.records.set(
        call.taskId,
        outcome.state === TaskState.SUCCESS
          ? { state: TaskState.SUCCESS, result: JSON.parse(JSON.stringify(outcome.result)) as JsonValue }
          : { state: TaskState.FAILURE, error: outcome.error, name: call.name },
      );
      return;
    }
  }
}

class EagerResult implements AsyncResult {
  constructor(
    readonly id: string,
    private readonly record: () => EagerRecord | undefined,
  ) {}

  async state(): Promise<TaskState> {
    return this.record()?.state ?? TaskState.PENDING;
  }

  async get(options: GetResultOptions = {}): Promise<unknown> {
    const record = this.record();
    if (record?.state === TaskState.SUCCESS) return record.result;
    if (record?.state === TaskState.FAILURE) {
      // A canvas task that never ran reads with the error of the task that stopped it.
      if (record.error instanceof ChordError || record.error instanceof TaskFailedError) throw record.error;
      throw new TaskFailedError(record.error.name, record.error.message, { taskId: this.id, taskName: record.name, remoteStack: record.error.stack });
    }
    // Eager tasks finish inside the call, so an id still unsettled here never will be.
    throw new TaskTimeoutError(this.id, options.timeoutMs ?? 0);
  }

  async revoke(_options?: RevokeOptions): Promise<RevokeOutcome> {
    return { taskId: this.id, revoked: false, terminated: false, previousState: await this.state() };
  }
}
