import type { JsonValue, ScheduleInfo, ScheduleSource, TickOptions } from '@tasks/core';

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
