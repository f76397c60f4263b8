import { CORE_DEFAULTS } from '../defaults';
import { InvalidPublishOptionsError } from '../errors';
import { encodeWithin, withinLimit } from './payload-size';
import { assertJson, assertJsonArgs } from '../serialization/json-guard';
import type { JsonValue } from '../serialization/json-value';
import { beforeTaskPublish } from '../signals/builtins';
import type { PublishOptions, TaskHeaders } from '../tasks/task-message';
import { DEFAULT_QUEUE, type TaskRegistry } from '../tasks/task-registry';
import { newTaskId } from '../utils/task-id';

/** A call ready to be written: validated, with what `before_task_publish` receivers decided. */
export interface PreparedPublish {
  taskId: string;
  name: string;
  args: readonly JsonValue[];
  /** `args` as JSON, as checked against the payload limit (before any receiver saw them). */
  argsJson: ArgsJson;
  headers: TaskHeaders;
  options: PublishOptions;
  queue: string;
  publishedAt: number;
  /** Milliseconds to wait before the task may start (from `delayMs` or `eta`). */
  delayMs: number;
  /** Epoch ms after which the task must not start, if any. */
  expiresAt: number | undefined;
  timeLimitMs: number | undefined;
}

/**
 * A call's arguments as JSON, as the caller gave them. Arguments that are all strings,
 * numbers, booleans or null and short enough to be within the payload limit whatever
 * their exact encoding are kept as a copy and encoded only if something reads `text`
 * (an eager retry, a check of headers given with them).
 */
export class ArgsJson {
  constructor(
    private json: string | undefined,
    private readonly copy: readonly JsonValue[] | undefined,
    /** The length of `text`, or a bound of it while it is not made. */
    readonly maxLength: number,
  ) {}

  get text(): string {
    return (this.json ??= JSON.stringify(this.copy));
  }
}

/**
 * Longest JSON a flat value can have: a string (its quotes and at most 6 characters per code
 * unit, "\u001f"), a finite number, a boolean or null (at most 24, "-1.2345678901234567e-308");
 * -1 for anything else, which needs encoding to be known.
 */
function flatJsonBound(value: unknown): number {
  if (typeof value === 'string') return 6 * value.length + 2;
  if (typeof value === 'boolean' || value === null || (typeof value === 'number' && Number.isFinite(value))) return 24;
  return -1;
}

/** Longest JSON that arguments all flat (see {@link flatJsonBound}) can have; -1 if one is not. */
function primitiveArgsJsonBound(args: readonly JsonValue[]): number {
  let bound = 2;
  for (let i = 0; i < args.length; i++) {
    const value = flatJsonBound(args[i]);
    if (value < 0) return -1;
    bound += value + 1; // and a comma
  }
  return bound;
}

/**
 * Longest JSON that headers whose values are all flat or undefined can have; -1 for anything
 * else (nested values, symbol keys, a class instance), which gets the full check.
 */
function primitiveHeadersJsonBound(headers: TaskHeaders): number {
  if (Object.getPrototypeOf(headers) !== Object.prototype || Object.getOwnPropertySymbols(headers).length > 0) return -1;
  let bound = 2;
  const keys = Object.keys(headers);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value: unknown = headers[key];
    if (value === undefined) continue;
    const valueBound = flatJsonBound(value);
    if (valueBound < 0) return -1;
    bound += 6 * key.length + 4 + valueBound; // the key in quotes, a colon and a comma, then the value
  }
  return bound;
}

const MAX_PRIORITY = 2_097_152;
const EMPTY_HEADERS_JSON = '{}';

/**
 * The publisher's half shared by every executor: checks the call, copies the
 * arguments through JSON, fires `before_task_publish` (whose receivers may change
 * `headers` and `options`), and resolves what gets written.
 */
export async function preparePublish(
  name: string,
  args: readonly unknown[],
  options: PublishOptions = {},
  registry?: TaskRegistry,
  maxPayloadBytes: number = CORE_DEFAULTS.maxPayloadBytes,
): Promise<PreparedPublish> {
  const draft = draftPublish(name, args, options, registry, maxPayloadBytes);
  if (draft.pending) await draft.pending;
  return completePublish(draft);
}

/**
 * A call checked and copied, with `before_task_publish` fired; `pending` is set
 * while an async receiver of it runs. {@link completePublish} makes it a
 * {@link PreparedPublish} once `pending` settled. ({@link preparePublish} does
 * both; an executor that calls them itself spares a promise when nothing is pending.)
 */
export interface PublishDraft {
  readonly name: string;
  readonly taskId: string;
  readonly args: JsonValue[];
  readonly argsJson: ArgsJson;
  readonly headers: TaskHeaders;
  readonly payload: { taskId: string; args: JsonValue[]; headers: TaskHeaders; options: PublishOptions };
  /** Whether the caller gave headers (else they are `{}` until a receiver changes them). */
  readonly headersGiven: boolean;
  /** Whether a `before_task_publish` receiver ran, which may have changed headers and options. */
  readonly heard: boolean;
  readonly pending: Promise<unknown> | undefined;
  readonly registry: TaskRegistry | undefined;
  readonly maxPayloadBytes: number;
}

/** First half of {@link preparePublish}: everything up to `before_task_publish`'s receivers. */
export function draftPublish(
  name: string,
  args: readonly unknown[],
  options: PublishOptions = {},
  registry?: TaskRegistry,
  maxPayloadBytes: number = CORE_DEFAULTS.maxPayloadBytes,
): PublishDraft {
  if (typeof name !== 'string' || name === '') {
    throw new InvalidPublishOptionsError(String(name), 'name', 'a non-empty task name', JSON.stringify(name) ?? String(name));
  }
  assertJsonArgs(args);
  // Everything the caller gave is checked before any signal fires; what receivers change, after.
  validateOptions(name, options);
  const taskId = options.taskId ?? newTaskId();
  let argsJson: ArgsJson;
  let copiedArgs: JsonValue[];
  const bound = primitiveArgsJsonBound(args);
  if (withinLimit(bound, maxPayloadBytes)) {
    // Nothing to encode yet: no encoding of them can reach the limit.
    copiedArgs = copyArgs(args);
    argsJson = new ArgsJson(undefined, copyArgs(args), bound);
  } else {
    const json = encodeWithin(name, args, maxPayloadBytes);
    copiedArgs = copyArgs(args, json);
    argsJson = new ArgsJson(json, undefined, json.length);
  }
  // Object.assign rather than spread: V8 spreads an object of unknown shape far more slowly.
  const headers: TaskHeaders = Object.assign({}, options.headers);
  const finalOptions: PublishOptions = Object.assign({}, options);
  finalOptions.headers = headers;
  finalOptions.taskId = taskId;
  const payload = { taskId, args: copiedArgs, headers, options: finalOptions };
  const heard = beforeTaskPublish.hasListeners(name);
  const pending = beforeTaskPublish.notify(name, payload);
  return { name, taskId, args: copiedArgs, argsJson, headers, headersGiven: options.headers !== undefined, payload, heard, pending, registry, maxPayloadBytes };
}

/**
 * Checked arguments' own copy, as `JSON.parse(argsJson)` gives it (`argsJson` is encoded
 * here when not given): arguments that are all strings, finite numbers, booleans or null
 * come back from JSON as they were, `-0` as `0`, so they are copied without encoding.
 */
export function copyArgs(args: readonly JsonValue[], argsJson?: string): JsonValue[] {
  const copy: JsonValue[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg !== null && typeof arg === 'object') return JSON.parse(argsJson ?? JSON.stringify(args)) as JsonValue[];
    copy.push(arg === 0 ? 0 : arg);
  }
  return copy;
}

/** Second half of {@link preparePublish}, once the draft's `pending` settled. */
export function completePublish(draft: PublishDraft): PreparedPublish {
  const { name, taskId, payload, maxPayloadBytes } = draft;
  const sentHeaders = headersAfterPublishSignal(payload, draft.headers);
  let sent = payload.options;
  if (draft.heard) {
    sent = Object.assign({}, payload.options);
    sent.headers = sentHeaders;
    sent.taskId = taskId;
  }
  if (draft.heard || draft.headersGiven) {
    // Headers of flat values (ids, as a canvas gives every task) short enough for any encoding to fit need no encoding here.
    const bound = primitiveHeadersJsonBound(sentHeaders);
    if (!withinLimit(bound < 0 ? -1 : draft.argsJson.maxLength + bound, maxPayloadBytes)) {
      assertJson(sentHeaders, 'headers');
      encodeWithin(name, sentHeaders, maxPayloadBytes, draft.argsJson.text.length);
    }
  } else if (draft.argsJson.maxLength + EMPTY_HEADERS_JSON.length > maxPayloadBytes) {
    // Headers nobody gave or changed are `{}`: only the size can fail, as encodeWithin says.
    encodeWithin(name, sentHeaders, maxPayloadBytes, draft.argsJson.text.length);
  }
  // Unheard, the options are the caller's, already checked.
  if (draft.heard) validateOptions(name, sent);

  const task = draft.registry?.get(name);
  const now = Date.now();
  return {
    taskId,
    name,
    args: draft.args,
    argsJson: draft.argsJson,
    headers: sentHeaders,
    options: sent,
    queue: resolveQueue(name, sent, task?.options.queue),
    publishedAt: now,
    delayMs: resolveDelay(name, sent, now),
    expiresAt: resolveExpiry(name, sent, now),
    timeLimitMs: resolveTimeLimit(name, sent),
  };
}

/** Every option `PublishOptions` has (the compiler keeps this list complete): any other name is refused, as a typo would otherwise be ignored. */
const PUBLISH_OPTION_NAMES: Record<keyof PublishOptions, true> = {
  delayMs: true,
  eta: true,
  expiresMs: true,
  expires: true,
  priority: true,
  queue: true,
  taskId: true,
  headers: true,
  timeLimitMs: true,
  link: true,
  linkError: true,
};
const PUBLISH_OPTIONS: ReadonlySet<string> = new Set(Object.keys(PUBLISH_OPTION_NAMES));

/** Checks every option and its name; throws {@link InvalidPublishOptionsError} naming the first bad one. */
function validateOptions(name: string, options: PublishOptions): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidPublishOptionsError(name, 'options', 'an object of publish options', show(options));
  }
  const keys = Object.keys(options);
  // No options (the usual `delay()`): every default is valid.
  if (keys.length === 0 && Object.getPrototypeOf(options) === Object.prototype) return;
  for (const key of keys) {
    if (!PUBLISH_OPTIONS.has(key)) {
      throw new InvalidPublishOptionsError(name, key, `one of the publish options (${[...PUBLISH_OPTIONS].join(', ')})`, 'an unknown option name');
    }
  }
  const { taskId, headers } = options;
  if (taskId !== undefined) {
    // BullMQ refuses integer ids (they collide with its own counters) and ids with ':' (its key separator).
    check(name, 'taskId', typeof taskId === 'string' && taskId !== '' && !isInteger(taskId) && !taskId.includes(':'), 'a non-empty string that is not an integer and has no ":"', taskId);
  }
  if (headers !== undefined) check(name, 'headers', typeof headers === 'object' && headers !== null && !Array.isArray(headers), 'an object of JSON values', headers);
  resolveQueue(name, options, undefined);
  const now = Date.now();
  resolveDelay(name, options, now);
  resolveExpiry(name, options, now);
  resolveTimeLimit(name, options);
}

/** Whether non-empty `id` is all digits; stops at the first character that is not (a UUID's is among its first few). */
function isInteger(id: string): boolean {
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/**
 * Checks a call's options as {@link preparePublish} does, without publishing, and
 * returns its queue: for canvases, whose later steps are published by workers.
 */
export function checkPublishOptions(name: string, options: PublishOptions, taskQueue: string | undefined): string {
  const now = Date.now();
  resolveDelay(name, options, now);
  resolveExpiry(name, options, now);
  resolveTimeLimit(name, options);
  return resolveQueue(name, options, taskQueue);
}

/**
 * The headers to send once `before_task_publish` receivers ran: they may have changed
 * `headers` in place, or replaced `options.headers`.
 */
export function headersAfterPublishSignal(payload: { headers: TaskHeaders; options: PublishOptions }, original: TaskHeaders): TaskHeaders {
  return payload.options.headers === original ? payload.headers : { ...payload.headers, ...payload.options.headers };
}

function resolveQueue(name: string, options: PublishOptions, taskQueue: string | undefined): string {
  const queue = options.queue ?? taskQueue ?? DEFAULT_QUEUE;
  check(name, 'queue', typeof queue === 'string' && queue !== '' && !queue.includes(':'), 'a non-empty queue name without ":"', queue);
  return queue;
}

function resolveDelay(name: string, options: PublishOptions, now: number): number {
  const { delayMs, eta, priority } = options;
  if (priority !== undefined) {
    check(name, 'priority', Number.isInteger(priority) && priority >= 1 && priority <= MAX_PRIORITY, `an integer from 1 to ${MAX_PRIORITY}`, priority);
  }
  if (delayMs !== undefined) check(name, 'delayMs', Number.isFinite(delayMs) && delayMs >= 0, 'a number of milliseconds >= 0', delayMs);
  if (eta !== undefined) check(name, 'eta', eta instanceof Date && !Number.isNaN(eta.getTime()), 'a valid Date', eta);
  if (delayMs !== undefined && eta !== undefined) {
    throw new InvalidPublishOptionsError(name, 'eta', 'either delayMs or eta, not both', 'both');
  }
  if (eta !== undefined) return Math.max(0, eta.getTime() - now);
  return delayMs ?? 0;
}

function resolveExpiry(name: string, options: PublishOptions, now: number): number | undefined {
  const { expiresMs, expires } = options;
  if (expiresMs !== undefined) check(name, 'expiresMs', Number.isFinite(expiresMs) && expiresMs > 0, 'a number of milliseconds > 0', expiresMs);
  if (expires !== undefined) check(name, 'expires', expires instanceof Date && !Number.isNaN(expires.getTime()), 'a valid Date', expires);
  if (expiresMs !== undefined && expires !== undefined) {
    throw new InvalidPublishOptionsError(name, 'expires', 'either expiresMs or expires, not both', 'both');
  }
  if (expires !== undefined) return expires.getTime();
  return expiresMs === undefined ? undefined : now + expiresMs;
}

function resolveTimeLimit(name: string, options: PublishOptions): number | undefined {
  const { timeLimitMs } = options;
  if (timeLimitMs !== undefined) check(name, 'timeLimitMs', Number.isFinite(timeLimitMs) && timeLimitMs > 0, 'a number of milliseconds > 0', timeLimitMs);
  return timeLimitMs;
}

function check(name: string, option: string, ok: boolean, expected: string, got: unknown): void {
  if (!ok) throw new InvalidPublishOptionsError(name, option, expected, show(got));
}

// JSON.stringify would show NaN and Infinity as "null", and a Date as a string in quotes.
function show(got: unknown): string {
  if (got instanceof Date || typeof got === 'number') return String(got);
  return JSON.stringify(got) ?? String(got);
}
