import { TasksError } from './tasks.error';

/**
 * A schedule can not be accepted: an invalid cron expression, time zone or
 * interval, `cron` with `every`, arguments that are not JSON, an id declared
 * twice… Thrown at bootstrap (code and config schedules) or by `schedules.upsert()`,
 * before anything is written.
 *
 * @example
 * // message: "Schedule 'reports.daily' (@Task() on ReportTasks#daily): tz 'Europe/Pariss' is not a known IANA time zone; use a name such as 'Europe/Paris' or 'UTC'."
 */
export class InvalidScheduleError extends TasksError {
  /** The schedule id (for a `@Task()` schedule, the task name). */
  readonly scheduleId: string;
  /** Where it was declared, e.g. `@Task() on ReportTasks#daily`, `TasksModule.forRoot({ schedules })` or `schedules.upsert()`. */
  readonly declaredIn: string;
  /** What is wrong and how to fix it. */
  readonly reason: string;

  constructor(scheduleId: string, declaredIn: string, reason: string) {
    super(`Schedule '${scheduleId}' (${declaredIn}): ${reason}`);
    this.scheduleId = scheduleId;
    this.declaredIn = declaredIn;
    this.reason = reason;
  }
}
