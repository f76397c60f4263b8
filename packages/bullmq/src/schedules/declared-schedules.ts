import { InvalidScheduleError, UnknownScheduleTaskError, type ScheduleSpec, type TaskRegistry } from '@tasks/core';
import { tasksLogger } from '@tasks/core/internal';
import { parseSchedule } from './parse-schedule';
import type { ParsedSchedule } from './parsed-schedule';

/** What a process declares: the `@Task({ schedule })` of its registry, and config schedules by id. */
export interface DeclaredSchedules {
  /** Its tasks; each one with a `schedule` declares the schedule whose id is the task name. */
  registry: TaskRegistry;
  /** Celery's `beat_schedule`: schedules by id. */
  schedules?: Readonly<Record<string, ScheduleSpec>>;
}

const CONFIG = 'TasksModule.forRoot({ schedules })';

/**
 * Checks and collects the schedules a process declares. Throws, naming the task or
 * schedule id, on an invalid spec, an id declared twice, or a config schedule whose
 * task is not registered here and that names no `options.queue` (which says the
 * task lives in other processes; a warning is logged then).
 */
export function declaredSchedules({ registry, schedules = {} }: DeclaredSchedules, { warn = true } = {}): ParsedSchedule[] {
  const declared = new Map<string, ParsedSchedule>();
  for (const name of registry.names()) {
    const task = registry.get(name)!;
    if (task.options.schedule === undefined) continue;
    declared.set(name, parseSchedule(name, name, task.options.schedule, { source: 'code', declaredIn: `@Task() on ${task.source}`, registry }));
  }
  for (const [id, spec] of Object.entries(schedules)) {
    if (declared.has(id)) {
      throw new InvalidScheduleError(id, CONFIG, `the id is also the name of a task with @Task({ schedule }); give the config schedule another id.`);
    }
    const schedule = parseSchedule(id, spec?.task, spec, { source: 'config', declaredIn: CONFIG, registry });
    if (registry.get(schedule.task) === undefined) {
      if (schedule.options.queue === undefined) throw new UnknownScheduleTaskError(id, schedule.task);
      if (warn) tasksLogger().warn(
        `Schedule '${id}': task "${schedule.task}" is not registered in this process; its ticks go to queue '${schedule.queue}' for the workers that run it.`,
      );
    }
    declared.set(id, schedule);
  }
  return [...declared.values()];
}

/**
 * Checks the schedules a process declares without touching Redis, so that bad input
 * fails a bootstrap before any connection is made; throws as `BullmqSchedules.reconcile()` would.
 */
export function checkSchedules(declared: DeclaredSchedules): void {
  declaredSchedules(declared, { warn: false });
}
