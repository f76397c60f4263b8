import {
  DEFAULT_QUEUE,
  InvalidScheduleError,
  SerializationError,
  type JsonValue,
  type ScheduleSource,
  type ScheduleTiming,
  type TaskRegistry,
  type TickOptions,
} from '@tasks/core';
import { assertJsonArgs } from '@tasks/core/internal';
import { getNextMillis } from 'bullmq';
import { intervalMs } from './duration';
import type { ParsedSchedule } from './parsed-schedule';

/** Where a schedule comes from, for its error messages and its `source`. */
export interface ScheduleOrigin {
  source: ScheduleSource;
  /** E.g. `@Task() on ReportTasks#daily`, `TasksModule.forRoot({ schedules })`, `schedules.upsert()`. */
  declaredIn: string;
  /** Tasks known here, for the default queue of the ticks. */
  registry?: TaskRegistry;
}

const TIMING_KEYS = new Set(['cron', 'tz', 'every', 'args', 'startDate', 'endDate', 'limit', 'options']);
const TICK_OPTION_KEYS = new Set(['queue', 'priority', 'expiresMs']);
const MAX_PRIORITY = 2_097_152;

/**
 * Checks a schedule and normalises it; throws {@link InvalidScheduleError} naming
 * the schedule, where it was declared, what is wrong and how to fix it.
 */
export function parseSchedule(id: string, task: string, timing: ScheduleTiming, origin: ScheduleOrigin): ParsedSchedule {
  const fail = (reason: string): never => {
    throw new InvalidScheduleError(String(id), origin.declaredIn, reason);
  };
  if (typeof id !== 'string' || id.trim() === '') fail(`the id must be a non-empty string, got ${show(id)}.`);
  if (typeof task !== 'string' || task.trim() === '') fail(`task must be a task name such as 'files.cleanup', got ${show(task)}.`);
  if (typeof timing !== 'object' || timing === null || Array.isArray(timing)) {
    fail(`expected an object like { cron: '0 3 * * *' } or { every: '30s' }, got ${show(timing)}.`);
  }
  const unknown = Object.keys(timing).filter((key) => !TIMING_KEYS.has(key) && !(key === 'task' && origin.source !== 'code'));
  if (unknown.length > 0) fail(`unknown option ${unknown.map((key) => `'${key}'`).join(', ')}; a schedule takes ${[...TIMING_KEYS].join(', ')}.`);

  const { cron, tz, every, limit } = timing;
  if (cron !== undefined && every !== undefined) fail(`give either cron or every, not both.`);
  if (cron === undefined && every === undefined) fail(`give a cron expression (cron: '0 3 * * *') or an interval (every: '30s').`);
  if (tz !== undefined) {
    if (every !== undefined) fail(`tz applies to cron expressions only; remove it, or use cron.`);
    if (!isTimeZone(tz)) fail(`tz ${show(tz)} is not a known IANA time zone; use a name such as 'Europe/Paris' or 'UTC'.`);
  }
  let everyMs: number | undefined;
  if (every !== undefined) {
    everyMs = intervalMs(every);
    if (everyMs === undefined) {
      fail(`every must be a positive whole number of milliseconds or a duration such as '500ms', '30s', '5m', '1h', '1d', got ${show(every)}.`);
    }
  }
  if (cron !== undefined) {
    if (typeof cron !== 'string' || cron.trim() === '') fail(`cron must be a cron expression such as '0 3 * * *', got ${show(cron)}.`);
    const problem = cronProblem(cron, tz);
    if (problem !== undefined) fail(`cron ${show(cron)} is not a valid cron expression (${problem}); e.g. '0 3 * * *' is every day at 03:00.`);
  }
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0)) fail(`limit must be a positive whole number of ticks, got ${show(limit)}.`);
  const startDate = timing.startDate === undefined ? undefined : epoch(timing.startDate) ?? fail(`startDate must be a valid date, got ${show(timing.startDate)}.`);
  const endDate = timing.endDate === undefined ? undefined : epoch(timing.endDate) ?? fail(`endDate must be a valid date, got ${show(timing.endDate)}.`);
  if (startDate !== undefined && endDate !== undefined && endDate <= startDate) fail(`endDate must be after startDate.`);

  const args = timing.args ?? [];
  if (!Array.isArray(args)) fail(`args must be an array of JSON values, e.g. [7], got ${show(args)}.`);
  try {
    assertJsonArgs(args);
  } catch (error) {
    if (error instanceof SerializationError) fail(`${error.message}.`);
    throw error;
  }
  const options = tickOptions(timing.options, fail);
  const queue = options.queue ?? origin.registry?.get(task)?.options.queue ?? DEFAULT_QUEUE;
  return {
    id,
    task,
    source: origin.source,
    ...(cron !== undefined && { cron: cron.trim() }),
    ...(tz !== undefined && { tz }),
    ...(everyMs !== undefined && { every: everyMs }),
    args: JSON.parse(JSON.stringify(args)) as JsonValue[],
    ...(startDate !== undefined && { startDate }),
    ...(endDate !== undefined && { endDate }),
    ...(limit !== undefined && { limit }),
    options,
    queue,
  };
}

function tickOptions(options: unknown, fail: (reason: string) => never): TickOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) fail(`options must be an object such as { queue: 'reports', expiresMs: 60000 }, got ${show(options)}.`);
  const given = options as Record<string, unknown>;
  const unknown = Object.keys(given).filter((key) => !TICK_OPTION_KEYS.has(key));
  if (unknown.length > 0) {
    fail(`options ${unknown.map((key) => `'${key}'`).join(', ')} can not be set per tick; a schedule's options are queue, priority and expiresMs.`);
  }
  const { queue, priority, expiresMs } = given;
  if (queue !== undefined && !(typeof queue === 'string' && queue !== '' && !queue.includes(':'))) {
    fail(`options.queue must be a non-empty queue name without ':', got ${show(queue)}.`);
  }
  if (priority !== undefined && !(Number.isInteger(priority) && (priority as number) >= 1 && (priority as number) <= MAX_PRIORITY)) {
    fail(`options.priority must be an integer from 1 (highest) to ${MAX_PRIORITY}, got ${show(priority)}.`);
  }
  if (expiresMs !== undefined && !(typeof expiresMs === 'number' && Number.isFinite(expiresMs) && expiresMs > 0)) {
    fail(`options.expiresMs must be a number of milliseconds > 0, got ${show(expiresMs)}.`);
  }
  return {
    ...(queue !== undefined && { queue: queue as string }),
    ...(priority !== undefined && { priority: priority as number }),
    ...(expiresMs !== undefined && { expiresMs: expiresMs as number }),
  };
}

function cronProblem(cron: string, tz: string | undefined): string | undefined {
  try {
    getNextMillis(Date.now(), { pattern: cron.trim(), tz });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function isTimeZone(tz: unknown): boolean {
  if (typeof tz !== 'string' || tz === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function epoch(value: unknown): number | undefined {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

function show(value: unknown): string {
  if (typeof value === 'number' || value instanceof Date) return String(value);
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value) ?? String(value);
}
