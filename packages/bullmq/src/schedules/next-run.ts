import { getNextMillis } from 'bullmq';

/** The timing fields {@link nextRunAt} reads; a `ScheduleInfo` has them. */
export interface ScheduleTimes {
  cron?: string;
  tz?: string;
  /** Interval in milliseconds. */
  every?: number;
  startDate?: Date | number;
  endDate?: Date | number;
}

/**
 * When a schedule's first tick after `from` is due, computed as BullMQ's job
 * schedulers compute it (cron expressions in their time zone, across DST
 * changes); `undefined` when no tick is left (past `endDate`).
 *
 * @example
 * nextRunAt({ cron: '0 3 * * *', tz: 'Europe/Paris' }, new Date('2026-03-28T12:00:00Z'));   // 2026-03-29T01:00:00.000Z (03:00 CEST)
 */
export function nextRunAt(schedule: ScheduleTimes, from: Date): Date | undefined {
  const startDate = schedule.startDate === undefined ? undefined : new Date(schedule.startDate).getTime();
  const millis = getNextMillis(from.getTime(), { pattern: schedule.cron, tz: schedule.tz, every: schedule.every, startDate });
  if (millis === undefined || (schedule.endDate !== undefined && millis > new Date(schedule.endDate).getTime())) return undefined;
  return new Date(millis);
}
