import { TaskContext } from '../context/task-context';
import { AttemptAbort } from './attempt-abort';
import { ReceiverTimeoutError, TaskRevokedError, TimeLimitExceededError } from '../errors';
import { receiverWatchdog, TIMED_OUT } from '../signals/receiver-watchdog';
import { tasksLogger } from '../logging/logger';
import { assertJson } from '../serialization/json-guard';
import type { JsonValue } from '../serialization/json-value';
import { taskFailure, taskInternalError, taskPostrun, taskPrerun, taskRetry, taskRevoked, taskSuccess } from '../signals/builtins';
import { reportedError, retryDelay, type UnrecoverableCheck } from '../tasks/retry-policy';
import type { TaskDefinition } from '../tasks/task-definition';
import type { TaskHooks } from '../tasks/task-hooks';
import type { TaskHeaders, TaskRequest } from '../tasks/task-message';
import { TaskState } from '../tasks/task-state';
import { nameByClass } from '../utils/error-name';
import { toError } from '../utils/to-error';
import { publishRetry } from './retry-publish';

/** How one attempt ended. */
export type AttemptOutcome =
  | { readonly state: typeof TaskState.SUCCESS; readonly result: JsonValue }
  /** `headers`: what the next attempt gets; the request's own object unless a `before_task_publish` receiver changed them. */
  | { readonly state: typeof TaskState.RETRY; readonly error: Error; readonly delayMs: number; readonly headers: TaskHeaders }
  | { readonly state: typeof TaskState.FAILURE; readonly error: Error }
  /** Terminated by a revoke: `task_revoked` then `task_postrun(REVOKED)` fired, no failure signals or hooks. */
  | { readonly state: typeof TaskState.REVOKED; readonly error: TaskRevokedError };

/** What the executor adds to a request for one attempt. */
export interface AttemptOptions {
  /**
   * The attempt's abort: aborting it terminates the attempt (revoke with `terminate`),
   * and its signal is the task's `TaskContext.abortSignal`. Default: one of its own.
   */
  abort?: AttemptAbort;
  /** After an abort (time limit or terminate), how long the body may still take to settle. Default: 1000 ms. */
  timeLimitGraceMs?: number;
  /** Errors that never retry, besides the policy's own; the BullMQ worker names BullMQ's here. */
  isUnrecoverable?: UnrecoverableCheck;
  /**
   * Runs once the body succeeded, before `onSuccess` and `task_success`: where a canvas
   * publishes what comes next, as Celery applies a chain's next step and links there.
   * If it throws, the attempt fails with its error.
   */
  beforeSuccess?: (result: JsonValue) => Promise<void>;
  /** Runs once the attempt failed for good, before `onFailure` and `task_failure` (Celery's errbacks). */
  beforeFailure?: (error: Error) => Promise<void>;
}

const DEFAULT_TIME_LIMIT_GRACE_MS = 1000;

/**
 * Runs one attempt of a task and fires its signals and hooks in Celery's order:
 *
 * ```
 * task_prerun -> beforeStart -> body ->
 *   success:    onSuccess -> task_success -> afterReturn -> task_postrun(SUCCESS)
 *   retry:      before_task_publish -> after_task_publish (the retry's message) ->
 *               onRetry   -> task_retry                   -> task_postrun(RETRY)
 *   failure:    onFailure -> task_failure -> afterReturn  -> task_postrun(FAILURE)
 *   terminated: task_revoked -> task_postrun(REVOKED)
 * ```
 *
 * It never throws: the outcome says what the executor must record. Receivers and
 * hooks run inside the task's {@link TaskContext}.
 */
export function traceAttempt(task: TaskDefinition, request: TaskRequest, options: AttemptOptions = NO_OPTIONS): Promise<AttemptOutcome> {
  let outcome: AttemptOutcome | Promise<AttemptOutcome>;
  try {
    outcome = runAttempt(task, request, options, sameOutcome);
  } catch (thrown) {
    return Promise.reject(thrown);
  }
  return outcome instanceof Promise ? outcome : Promise.resolve(outcome);
}

function sameOutcome(outcome: AttemptOutcome): AttemptOutcome {
  return outcome;
}

/**
 * @internal {@link traceAttempt} for a caller that takes the outcome as it comes:
 * `then` gets it (outside the task's context, as after `await traceAttempt()`), at once
 * when the body, receivers and hooks returned no promise, and otherwise once they
 * settled. An attempt whose only promise is the body's costs one reaction on it, and no
 * promise of the tracer's or the caller's own. May throw where `traceAttempt` would reject.
 */
export function runAttempt<Result>(
  task: TaskDefinition,
  request: TaskRequest,
  options: AttemptOptions,
  then: (outcome: AttemptOutcome) => Result | Promise<Result>,
): Result | Promise<Result> {
  const abort = options.abort ?? new AttemptAbort();
  const context = new TaskContext({
    id: request.id,
    name: task.name,
    args: request.args,
    retries: request.retries,
    maxRetries: task.options.maxRetries,
    queue: request.queue,
    headers: request.headers,
    abort,
  });
  const attempt = new Attempt(task, request, context, abort, options);
  const outcome = context.run(() => attempt.run());
  if (outcome !== BODY_PENDING) return outcome instanceof Promise ? outcome.then(then) : then(outcome);
  // Only the body is pending: the rest of the attempt runs in the task's context again once it settled.
  return Promise.resolve(attempt.pendingBody).then(
    (value) => andThen(context.run(() => attempt.succeeded(value)), then),
    (thrown: unknown) => andThen(context.run(() => attempt.failed(toError(thrown))), then),
  );
}

function andThen<Result>(outcome: AttemptOutcome | Promise<AttemptOutcome>, then: (outcome: AttemptOutcome) => Result | Promise<Result>): Result | Promise<Result> {
  return outcome instanceof Promise ? outcome.then(then) : then(outcome);
}

/** What {@link Attempt.run} returns when the body returned a promise and nothing else is pending: see `pendingBody`. */
const BODY_PENDING: unique symbol = Symbol('body pending');

const NO_OPTIONS: AttemptOptions = Object.freeze({});

class Attempt {
  private readonly sender: string;
  private readonly taskId: string;
  private readonly args: readonly JsonValue[];
  /** When the body was called (`performance.now()`). */
  private started = 0;
  /** What the body returned, when {@link run} returned `BODY_PENDING`. */
  pendingBody: PromiseLike<unknown> | undefined = undefined;

  constructor(
    private readonly task: TaskDefinition,
    private readonly request: TaskRequest,
    private readonly context: TaskContext,
    private readonly abort: AttemptAbort,
    private readonly options: AttemptOptions,
  ) {
    this.sender = task.name;
    this.taskId = request.id;
    this.args = request.args;
  }

  /**
   * Runs the attempt, synchronously as far as nothing returns a promise: a task
   * without a `beforeStart` hook or canvas callback, whose prerun receivers returned
   * no promise, costs no async function, only a reaction on the body's promise (every
   * promise costs on Node 20 once `AsyncLocalStorage` is in use). Signals are awaited
   * only when a receiver returned a promise, hooks only when the class has them.
   */
  run(): AttemptOutcome | Promise<AttemptOutcome> | typeof BODY_PENDING {
    const prerun = taskPrerun.isIdle() ? undefined : taskPrerun.notify(this.sender, { taskId: this.taskId, args: this.args, context: this.context });
    if (prerun || this.options.beforeSuccess || this.task.hooks?.beforeStart) return this.runAsync(prerun);
    this.started = performance.now();
    let returned: unknown;
    try {
      returned = this.callBody();
    } catch (thrown) {
      return this.failed(toError(thrown));
    }
    if (!isPromiseLike(returned)) return this.succeeded(returned);
    this.pendingBody = returned;
    return BODY_PENDING;
  }

  /** The rest of {@link run} once the body returned `returned` (to be called in the task's context). */
  succeeded(returned: unknown): AttemptOutcome | Promise<AttemptOutcome> {
    let result: JsonValue;
    try {
      result = checkResult(returned);
    } catch (thrown) {
      return this.failed(toError(thrown));
    }
    return this.finish(result, performance.now() - this.started);
  }

  private async runAsync(prerun: Promise<unknown> | undefined): Promise<AttemptOutcome> {
    if (prerun) await prerun;
    const started = performance.now();
    let result: JsonValue;
    try {
      const beforeStart = this.task.hooks?.beforeStart;
      if (beforeStart) await this.beforeStart(beforeStart.bind(this.task.hooks));
      const returned = this.callBody();
      result = checkResult(isPromiseLike(returned) ? await returned : returned);
      if (this.options.beforeSuccess) await this.options.beforeSuccess(result);
    } catch (thrown) {
      return this.failed(toError(thrown));
    }
    return this.finish(result, performance.now() - started);
  }

  /** The success half: `onSuccess`, `task_success`, `afterReturn`, `task_postrun(SUCCESS)`, without a promise when none is pending. */
  private finish(result: JsonValue, runtimeMs: number): AttemptOutcome | Promise<AttemptOutcome> {
    const hooks = this.task.hooks;
    if (hooks && typeof hooks.onSuccess === 'function') {
      return this.finishAfter(this.runHook('onSuccess', () => hooks.onSuccess?.(result, this.context)), result, runtimeMs);
    }
    const success = taskSuccess.isIdle() ? undefined : taskSuccess.notify(this.sender, { taskId: this.taskId, args: this.args, result, runtimeMs });
    return this.postrun(success, result);
  }

  private async finishAfter(onSuccess: Promise<void>, result: JsonValue, runtimeMs: number): Promise<AttemptOutcome> {
    await onSuccess;
    const success = taskSuccess.isIdle() ? undefined : taskSuccess.notify(this.sender, { taskId: this.taskId, args: this.args, result, runtimeMs });
    return this.postrun(success, result);
  }

  /** After `task_success` (`success`: its receivers, when pending): `afterReturn` and `task_postrun(SUCCESS)`. */
  private postrun(success: Promise<unknown> | undefined, result: JsonValue): AttemptOutcome | Promise<AttemptOutcome> {
    const hooks = this.task.hooks;
    if (success || (hooks && typeof hooks.afterReturn === 'function')) return this.postrunAfter(success, result);
    const postrun = taskPostrun.isIdle() ? undefined : taskPostrun.notify(this.sender, { taskId: this.taskId, args: this.args, retval: result, state: TaskState.SUCCESS });
    const outcome: AttemptOutcome = { state: TaskState.SUCCESS, result };
    return postrun ? postrun.then(() => outcome) : outcome;
  }

  private async postrunAfter(success: Promise<unknown> | undefined, result: JsonValue): Promise<AttemptOutcome> {
    if (success) await success;
    const afterReturn = this.hook('afterReturn', (hooks) => hooks.afterReturn?.(TaskState.SUCCESS, result, this.context));
    if (afterReturn) await afterReturn;
    const postrun = taskPostrun.isIdle() ? undefined : taskPostrun.notify(this.sender, { taskId: this.taskId, args: this.args, retval: result, state: TaskState.SUCCESS });
    if (postrun) await postrun;
    return { state: TaskState.SUCCESS, result };
  }

  /**
   * Calls the body: under {@link guardBody}, unless nothing can stop it early (no
   * time limit, and nobody else holds the abort, as in eager mode).
   */
  private callBody(): unknown {
    const handler = this.task.handler as (...args: unknown[]) => unknown;
    const args = this.request.args;
    if (this.options.abort === undefined && this.timeLimitMs() === undefined) return handler(...args);
    return this.guardBody(() => handler(...args));
  }

  private timeLimitMs(): number | undefined {
    return this.request.timeLimitMs ?? this.task.options.timeLimitMs;
  }

  /** `beforeStart` fails the attempt when it throws; one that does not settle in time is logged and left behind. */
  private async beforeStart(beforeStart: (context: TaskContext) => unknown): Promise<void> {
    const started = beforeStart(this.context);
    if (!isPromiseLike(started)) return;
    if ((await receiverWatchdog.guard(started)) !== TIMED_OUT) return;
    const error = new ReceiverTimeoutError(`hook of task ${this.task.name}`, `${hookOwner(this.task)}.beforeStart`, receiverWatchdog.timeoutMs);
    tasksLogger().error(error.message);
    await taskInternalError.send(this.sender, { taskId: this.taskId, args: this.args, error });
  }

  /**
   * Settles with the body, unless the attempt is aborted (time limit, or revoke with
   * `terminate`): then the body gets the grace period to stop on its abort signal,
   * after which it is abandoned and the attempt fails with the abort's reason.
   */
  private guardBody(body: () => unknown): Promise<unknown> {
    const limitMs = this.timeLimitMs();
    const graceMs = this.options.timeLimitGraceMs ?? DEFAULT_TIME_LIMIT_GRACE_MS;
    const abort = this.abort;
    return new Promise((resolve, reject) => {
      let limitTimer: NodeJS.Timeout | undefined;
      let graceTimer: NodeJS.Timeout | undefined;
      const settle = (finish: () => void) => {
        clearTimeout(limitTimer);
        clearTimeout(graceTimer);
        stopListening();
        finish();
      };
      const stopListening = abort.onAbort(() => {
        graceTimer = setTimeout(() => settle(() => reject(abort.reason)), graceMs);
      });
      if (limitMs !== undefined && !abort.aborted) {
        limitTimer = setTimeout(() => this.abort.abort(new TimeLimitExceededError(this.task.name, this.request.id, limitMs)), limitMs);
      }
      // A body that fails once aborted failed because of the abort.
      const failed = (error: unknown) => settle(() => reject(abort.aborted ? abort.reason : error));
      let returned: unknown;
      try {
        returned = body();
      } catch (error) {
        failed(error);
        return;
      }
      if (isPromiseLike(returned)) returned.then((value) => settle(() => resolve(value)), failed);
      else settle(() => resolve(returned));
    });
  }

  async failed(thrown: Error): Promise<AttemptOutcome> {
    const error = nameByClass(thrown);
    // Terminated by a revoke: reported with task_revoked, then task_postrun, as Celery does.
    if (error instanceof TaskRevokedError) {
      await taskRevoked.send(this.sender, { taskId: this.taskId, terminated: true, expired: false, reason: error.reason });
      await taskPostrun.send(this.sender, { taskId: this.taskId, args: this.args, retval: error, state: TaskState.REVOKED });
      return { state: TaskState.REVOKED, error };
    }
    const retry = retryDelay(this.task.options, this.request.retries, error, this.options.isUnrecoverable);
    const reported = nameByClass(reportedError(error));
    if (retry !== undefined) {
      const headers = await this.publishRetry(retry);
      const onRetry = this.hook('onRetry', (hooks) => hooks.onRetry?.(reported, this.context));
      if (onRetry) await onRetry;
      await taskRetry.send(this.sender, { taskId: this.taskId, args: this.args, error: reported, attempt: this.request.retries + 1, delayMs: retry });
      await taskPostrun.send(this.sender, { taskId: this.taskId, args: this.args, retval: reported, state: TaskState.RETRY });
      return { state: TaskState.RETRY, error: reported, delayMs: retry, headers };
    }
    if (this.options.beforeFailure) await this.options.beforeFailure(reported);
    const onFailure = this.hook('onFailure', (hooks) => hooks.onFailure?.(reported, this.context));
    if (onFailure) await onFailure;
    await taskFailure.send(this.sender, { taskId: this.taskId, args: this.args, error: reported, attempts: this.request.retries + 1 });
    const afterReturn = this.hook('afterReturn', (hooks) => hooks.afterReturn?.(TaskState.FAILURE, reported, this.context));
    if (afterReturn) await afterReturn;
    await taskPostrun.send(this.sender, { taskId: this.taskId, args: this.args, retval: reported, state: TaskState.FAILURE });
    return { state: TaskState.FAILURE, error: reported };
  }

  /** The retry's publish signals; headers a receiver made unsendable are reported, and the old ones kept. */
  private async publishRetry(delayMs: number): Promise<TaskHeaders> {
    try {
      return await publishRetry(this.sender, this.request, delayMs);
    } catch (thrown) {
      const error = toError(thrown);
      tasksLogger().error(`Publishing the retry of task ${this.task.name} (${this.taskId}) failed: ${error.message}; the retry keeps its headers.`, error.stack);
      await taskInternalError.send(this.sender, { taskId: this.taskId, args: this.args, error });
      return this.request.headers;
    }
  }

  /**
   * Runs a class hook if the class has it; its failure is logged and reported, never
   * allowed to change the outcome. Without the hook nothing is returned, so callers
   * skip the await (every promise costs on Node 20 once AsyncLocalStorage is in use).
   */
  private hook(name: keyof TaskHooks, call: (hooks: TaskHooks) => unknown): Promise<void> | undefined {
    const hooks = this.task.hooks;
    if (!hooks || typeof hooks[name] !== 'function') return undefined;
    return this.runHook(name, () => call(hooks));
  }

  private async runHook(name: keyof TaskHooks, call: () => unknown): Promise<void> {
    try {
      const pending = call();
      if (isPromiseLike(pending) && (await receiverWatchdog.guard(pending)) === TIMED_OUT) {
        throw new ReceiverTimeoutError(`hook of task ${this.task.name}`, `${hookOwner(this.task)}.${name}`, receiverWatchdog.timeoutMs);
      }
    } catch (thrown) {
      const error = toError(thrown);
      tasksLogger().error(`hook ${hookOwner(this.task)}.${name} of task ${this.task.name} failed: ${error.message} (task id ${this.request.id})`, error.stack);
      await taskInternalError.send(this.sender, { taskId: this.taskId, args: this.args, error });
    }
  }
}

/** A body's result: `undefined` (a `void` task) is null, as Celery's None; anything else must survive JSON. */
function checkResult(result: unknown): JsonValue {
  if (result === undefined) return null;
  // A result that would not survive JSON fails the attempt, as Celery's EncodeError.
  assertJson(result, 'result');
  return result;
}

/** The class whose hook it is (`BillingTasks`), else where the task was defined. */
function hookOwner(task: TaskDefinition): string {
  const name: unknown = task.hooks?.constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : task.source;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}
