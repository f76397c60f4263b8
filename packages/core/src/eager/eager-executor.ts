import { Canvas, type CanvasOptions } from '../canvas/canvas';
import type { CanvasExecutor } from '../canvas/canvas-executor';
import type { CanvasPlan } from '../canvas/canvas-plan';
import { runEagerCanvas } from '../canvas/eager-canvas';
import { readCanvasIds } from '../canvas/canvas-ids';
import { Signature } from '../canvas/signature';
import { ChordError, TaskFailedError, TaskTimeoutError, UnknownTaskError } from '../errors';
import { completePublish, draftPublish, type PreparedPublish, type PublishDraft } from '../publish/prepare-publish';
import type { JsonValue } from '../serialization/json-value';
import { afterTaskPublish, beforeTaskPublish, taskReceived, taskUnknown } from '../signals/builtins';
import { runAttempt, type AttemptOptions, type AttemptOutcome } from '../tracer/trace-attempt';
import type { AsyncResult, GetResultOptions, RevokeOptions, RevokeOutcome } from '../tasks/async-result';
import type { TaskDefinition } from '../tasks/task-definition';
import type { PublishOptions, TaskHeaders, TaskRequest } from '../tasks/task-message';
import type { TaskRegistry } from '../tasks/task-registry';
import { TaskState } from '../tasks/task-state';
import { KeptRecords, type EagerRecord } from './kept-records';

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
  /** The latest `keepResults` tasks' records, for `result(id)`. */
  private readonly records: KeptRecords;
  /** Chains, groups and chords run inline; every task they name must be registered here. */
  readonly canvas: Canvas;

  /**
   * @param keepResults how many tasks' results are kept for `result(id)`, the oldest
   *   dropped first (a dropped id reads as unknown). Default: 10,000.
   * @param canvasOptions limits of canvases (`maxGroupSize`); unknown tasks are always refused.
   */
  constructor(
    private readonly registry: TaskRegistry,
    keepResults = DEFAULT_KEEP_RESULTS,
    canvasOptions: CanvasOptions = {},
  ) {
    this.records = new KeptRecords(keepResults);
    this.canvas = new Canvas(this, registry, { ...canvasOptions, knownTasksOnly: true });
  }

  delay(name: string, ...args: unknown[]): Promise<AsyncResult> {
    return this.applyAsync(name, args);
  }

  applyAsync(name: string, args: readonly unknown[] = [], options: PublishOptions = NO_OPTIONS): Promise<AsyncResult> {
    // Not an async function: a call awaits only what is pending (a receiver's promise, the
    // body's), each with one reaction, since every promise costs once AsyncLocalStorage is in use.
    try {
      if (options.link !== undefined || options.linkError !== undefined) return this.canvas.run(new Signature(name, args, options)) as Promise<AsyncResult>;
      // publishOnly() then run(), without their two promises.
      const draft = draftPublish(name, args, options, this.registry);
      const applied = draft.pending ? draft.pending.then(() => this.applyDraft(draft, options)) : this.applyDraft(draft, options);
      return applied instanceof Promise ? applied : Promise.resolve(applied);
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  }

  /** The rest of {@link applyAsync} once `before_task_publish`'s receivers settled. */
  private applyDraft(draft: PublishDraft, options: PublishOptions): AsyncResult | Promise<AsyncResult> {
    const call = completePublish(draft);
    // A fresh id is new; only one the caller chose may already be here.
    if (options.taskId !== undefined && this.records.has(call.taskId)) return this.result(call.taskId);
    const record = this.records.add(call.taskId);
    // Args nobody saw at publish can go to the body as they are: it still gets the only copy.
    const unseenArgs = beforeTaskPublish.isHeard(call.name) || afterTaskPublish.isHeard(call.name) ? undefined : call.args;
    const after = afterTaskPublish.isIdle() ? undefined : afterTaskPublish.notify(call.name, { taskId: call.taskId, args: call.args, headers: call.headers, queue: call.queue });
    if (after) return after.then(() => this.execute(call, record, NO_HOOKS, undefined, unseenArgs, true) as Ran<AsyncResult>);
    return this.execute(call, record, NO_HOOKS, undefined, unseenArgs, true) as Ran<AsyncResult>;
  }

  /**
   * @internal Publishes a call (`before_task_publish`, `after_task_publish`) without running
   * it; `run` runs it, with canvas hooks and, for a chord callback, its joined arguments.
   * The eager canvas runs its tasks in the order a worker would.
   */
  async publishOnly(name: string, args: readonly unknown[], options: PublishOptions): Promise<EagerPublished> {
    const draft = draftPublish(name, args, options, this.registry);
    if (draft.pending) await draft.pending;
    const call = completePublish(draft);
    // The same id twice does not run twice, as with the BullMQ executor.
    if (this.records.has(call.taskId)) return { taskId: call.taskId, run: async () => undefined };
    const record = this.records.add(call.taskId);
    const after = afterTaskPublish.isIdle() ? undefined : afterTaskPublish.notify(call.name, { taskId: call.taskId, args: call.args, headers: call.headers, queue: call.queue });
    if (after) await after;
    return { taskId: call.taskId, run: async (hooks = NO_HOOKS, joinedArgs) => void (await this.execute(call, record, hooks, joinedArgs, undefined, false)) };
  }

  /** Runs a canvas inline; see `Canvas`. */
  publishCanvas(plan: CanvasPlan): Promise<void> {
    return runEagerCanvas(this, plan);
  }

  /** @internal A canvas task that will never run, recorded as failed with the error that stopped it. */
  recordFailure(taskId: string, name: string, error: Error): void {
    const record = this.records.get(taskId) ?? this.records.add(taskId);
    record.state = TaskState.FAILURE;
    record.error = error;
    record.name = name;
  }

  result(taskId: string): AsyncResult {
    return new EagerResult(taskId, this.records, undefined);
  }

  async revoke(taskId: string): Promise<RevokeOutcome> {
    // Eager tasks have finished before their id is known: nothing is left to revoke.
    return { taskId, revoked: false, terminated: false, previousState: this.records.get(taskId)?.state ?? TaskState.PENDING };
  }

  async close(): Promise<void> {
    this.records.clear();
  }

  /**
   * Runs a published call; `unseenArgs`: its args, when nobody but the body will ever see
   * them (no copy needed). Ends with the call's result when `withResult` (so a caller
   * waits on one reaction), and returns a promise only when something was pending.
   */
  private execute(
    call: PreparedPublish,
    record: EagerRecord,
    hooks: EagerHooks,
    joinedArgs: readonly unknown[] | undefined,
    unseenArgs: readonly JsonValue[] | undefined,
    withResult: boolean,
  ): Ran {
    const task = this.registry.get(call.name);
    if (!task) return this.unknownTask(call, record).then(() => (withResult ? new EagerResult(call.taskId, this.records, record) : undefined));
    return this.attempt(new EagerAttempts(task, call, record, hooks, joinedArgs, withResult), call.headers, 0, unseenArgs);
  }

  private async unknownTask(call: PreparedPublish, record: EagerRecord): Promise<void> {
    const error = new UnknownTaskError(call.name, call.taskId);
    const unknown = taskUnknown.notify(call.name, { taskId: call.taskId, name: call.name, error });
    if (unknown) await unknown;
    record.state = TaskState.FAILURE;
    record.error = error;
    record.name = call.name;
  }

  /** One attempt of a call, and those that follow while it retries (retries run at once). */
  private attempt(run: EagerAttempts, headers: TaskHeaders, retries: number, unseenArgs?: readonly JsonValue[]): Ran {
    const { call, joinedArgs } = run;
    const request: TaskRequest = {
      id: call.taskId,
      name: call.name,
      // The body gets its own copy, as a worker parses one from Redis.
      args: retries === 0 && unseenArgs ? unseenArgs : (JSON.parse(joinedArgs ? JSON.stringify(joinedArgs) : call.argsJson.text) as JsonValue[]),
      headers,
      queue: call.queue,
      retries,
      publishedAt: call.publishedAt,
      expiresAt: call.expiresAt,
      timeLimitMs: call.timeLimitMs,
    };
    readCanvasIds(request);
    const received = taskReceived.isIdle() ? undefined : taskReceived.notify(call.name, { taskId: call.taskId, args: request.args, request });
    if (received) return received.then(() => this.trace(run, request));
    return this.trace(run, request);
  }

  private trace(run: EagerAttempts, request: TaskRequest): Ran {
    run.record.state = TaskState.STARTED;
    return runAttempt(run.task, request, run.hooks, (outcome) => this.settle(run, outcome, request.retries));
  }

  private settle(run: EagerAttempts, outcome: AttemptOutcome, retries: number): Ran {
    const record = run.record;
    if (outcome.state === TaskState.RETRY) {
      record.state = TaskState.RETRY;
      return this.attempt(run, outcome.headers, retries + 1);
    }
    if (outcome.state === TaskState.SUCCESS) {
      record.result = copyJson(outcome.result);
    } else {
      record.error = outcome.error;
      record.name = run.call.name;
    }
    record.state = outcome.state === TaskState.SUCCESS ? TaskState.SUCCESS : TaskState.FAILURE;
    return run.withResult ? new EagerResult(run.call.taskId, this.records, record) : undefined;
  }
}

/** How a run ends: with the call's result when asked for it, at once or once something pending settled. */
type Ran<Result extends AsyncResult | undefined = AsyncResult | undefined> = Result | Promise<Result>;

/** What every attempt of one eager call shares. */
class EagerAttempts {
  constructor(
    readonly task: TaskDefinition,
    readonly call: PreparedPublish,
    readonly record: EagerRecord,
    readonly hooks: EagerHooks,
    readonly joinedArgs: readonly unknown[] | undefined,
    readonly withResult: boolean,
  ) {}
}

const NO_OPTIONS: PublishOptions = Object.freeze({});
const NO_HOOKS: EagerHooks = Object.freeze({});

class EagerResult implements AsyncResult {
  constructor(
    readonly id: string,
    private readonly records: KeptRecords,
    /** The record of the call that made this result, read without a lookup while it is kept. */
    private readonly own: EagerRecord | undefined,
  ) {}

  private record(): EagerRecord | undefined {
    const own = this.own;
    return own !== undefined && own.kept ? own : this.records.get(this.id);
  }

  async state(): Promise<TaskState> {
    return this.record()?.state ?? TaskState.PENDING;
  }

  async get(options: GetResultOptions = {}): Promise<unknown> {
    const record = this.record();
    if (record?.state === TaskState.SUCCESS) return record.result;
    if (record?.state === TaskState.FAILURE) {
      const error = record.error!;
      // A canvas task that never ran reads with the error of the task that stopped it.
      if (error instanceof ChordError || error instanceof TaskFailedError) throw error;
      throw new TaskFailedError(error.name, error.message, { taskId: this.id, taskName: record.name!, remoteStack: error.stack });
    }
    if (record === undefined) {
      throw new TaskTimeoutError(
        this.id,
        options.timeoutMs ?? 0,
        `Task ${this.id} has no result in this EagerExecutor: it keeps the results of the latest ${this.records.limit} tasks, ` +
          'and this one was dropped since, or never ran here. Pass a larger keepResults to new EagerExecutor(registry, keepResults).',
      );
    }
    // Eager tasks finish inside the call, so an id still unsettled here never will be.
    throw new TaskTimeoutError(this.id, options.timeoutMs ?? 0);
  }

  async revoke(_options?: RevokeOptions): Promise<RevokeOutcome> {
    return { taskId: this.id, revoked: false, terminated: false, previousState: await this.state() };
  }
}

/** A copy of a result, as reading it from Redis gives; a primitive is its own copy. */
function copyJson(value: JsonValue): JsonValue {
  return value !== null && typeof value === 'object' ? (JSON.parse(JSON.stringify(value)) as JsonValue) : value;
}
