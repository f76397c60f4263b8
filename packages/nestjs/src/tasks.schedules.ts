import { BullmqExecutor, EagerSchedules } from '@tasks/bullmq';
import type { TaskExecutor, TaskRegistry, TaskSchedules } from '@tasks/core';
import type { ResolvedTasksOptions } from './tasks.options';

/**
 * The app's schedules at bootstrap: the `@Task({ schedule })` of its registry and the
 * module's `schedules`, checked (an invalid one fails bootstrap naming it) and
 * reconciled with Redis; in eager mode kept in memory and never run on their own.
 */
export async function startSchedules(options: ResolvedTasksOptions, registry: TaskRegistry, executor: TaskExecutor): Promise<TaskSchedules> {
  if (executor instanceof BullmqExecutor) {
    await executor.schedules.reconcile({ registry, schedules: options.schedules });
    return executor.schedules;
  }
  const schedules = new EagerSchedules(executor, registry);
  await schedules.reconcile({ registry, schedules: options.schedules });
  return schedules;
}
