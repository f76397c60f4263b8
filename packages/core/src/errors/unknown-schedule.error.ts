import { TasksError } from './tasks.error';

/** `schedules.runNow(id)` was given an id no schedule has. */
export class UnknownScheduleError extends TasksError {
  readonly scheduleId: string;

  constructor(scheduleId: string) {
    super(`No schedule with id '${scheduleId}': check the id against schedules.list(), or create it with schedules.upsert().`);
    this.scheduleId = scheduleId;
  }
}
