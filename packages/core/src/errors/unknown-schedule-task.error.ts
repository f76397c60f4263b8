import { TasksError } from './tasks.error';

/**
 * A config schedule names a task this app does not register, and gives no
 * `options.queue` to say where the task lives. Thrown at bootstrap.
 */
export class UnknownScheduleTaskError extends TasksError {
  readonly scheduleId: string;
  readonly taskName: string;

  constructor(scheduleId: string, taskName: string) {
    super(
      `Schedule '${scheduleId}' (TasksModule.forRoot({ schedules })): no task named "${taskName}" is registered in this app. ` +
        `Fix the task name, provide the class whose method carries @Task({ name: '${taskName}' }), or, if the task runs ` +
        `in other worker processes, set options.queue on the schedule to the queue those workers take.`,
    );
    this.scheduleId = scheduleId;
    this.taskName = taskName;
  }
}
