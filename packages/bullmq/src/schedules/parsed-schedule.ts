import { InvalidScheduleError, type JsonValue, type ScheduleInfo, type ScheduleSource, type TickOptions } from '@tasks/core';

/** A schedule checked and normalised: what is written to Redis and compared at reconciliation. */
export interface ParsedSchedule {
  readonly id: string;
  readonly task: string;
  readonly source: ScheduleSource;
  readonly cron?: string;
  readonly tz?: string;
  /** Interval in milliseconds. */
  readonly every?: number;
  readonly args: readonly JsonValue[];
  /** Epoch ms. */
  readonly startDate?: number;
  /** Epoch ms. */
  readonly endDate?: number;
  readonly limit?: number;
  readonly options: TickOptions;
  /** Queue of the ticks: `options.queue`, else the task's queue, else `'default'`. */
  readonly queue: string;
}

/** What decides when and how a schedule ticks: two schedules with the same fingerprint need no update. */
export function fingerprint(schedule: ParsedSchedule): string {
  const { task, cron, tz, every, args, startDate, endDate, limit, options, queue } = schedule;
  const { queue: tickQueue, priority, expiresMs } = options;
  return JSON.stringify([task, cron, tz, every, args, startDate, endDate, limit, tickQueue, priority, expiresMs, queue]);
}

/**
 * `schedules.upsert()` may replace a `runtime` schedule only: a `code` or `config` one
 * would be put back by the next bootstrap.
 */
export function assertRuntimeUpsert(id: string, previous: ParsedSchedule | undefined): void {
  if (previous === undefined || previous.source === 'runtime') return;
  const where = previous.source === 'code' ? 'by @Task({ schedule })' : 'in TasksModule.forRoot({ schedules })';
  throw new InvalidScheduleError(
    id,
    'schedules.upsert()',
    `this id is a ${previous.source} schedule (declared ${where}), which bootstrap would put back; change it where it is declared, or give the run-time schedule another id.`,
  );
}

/** The public view of a schedule. */
export function scheduleInfo(schedule: ParsedSchedule, next: Date | undefined, last: Date | undefined): ScheduleInfo {
  const info: ScheduleInfo = {
    id: schedule.id,
    task: schedule.task,
    source: schedule.source,
    args: schedule.args,
    queue: schedule.queue,
    options: { ...schedule.options },
    next,
    last,
  };
  if (schedule.cron !== undefined) info.cron = schedule.cron;
  if (schedule.every !== undefined) info.every = schedule.every;
  if (schedule.tz !== undefined) info.tz = schedule.tz;
  if (schedule.startDate !== undefined) info.startDate = new Date(schedule.startDate);
  if (schedule.endDate !== undefined) info.endDate = new Date(schedule.endDate);
  if (schedule.limit !== undefined) info.limit = schedule.limit;
  return info;
}
