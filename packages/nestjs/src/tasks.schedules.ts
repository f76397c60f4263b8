import { BullmqExecutor, checkSchedules, EagerSchedules } from '@tasks/bullmq';
import type { TaskExecutor, TaskRegistry, TaskSchedules } from '@tasks/core';
import type { ResolvedTasksOptions } from './tasks.options';

/**
 * Checks the app's schedules (the `@Task({ schedule })` of its registry and the module's
 * `schedules`) before anything connects: bad input fails bootstrap naming the task or id.
 */
export function checkAppSchedules(options: ResolvedTasksOptions, registry: TaskRegistry): void {
  checkSchedules({ registry, schedules: options.schedules });
}

/**
 * The app's schedules once the executor is up: reconciled with Redis, or in eager
 * mode kept in memory and never run on their own.
 */
export async function startSchedules(options: ResolvedTasksOptions, registry: TaskRegistry, executor: TaskExecutor): Promise<TaskSchedules> {
  const declared = { registry, schedules: options.schedules };
  if (executor instanceof BullmqExecutor) {
    await executor.schedules.reconcile(declared);
    return executor.schedules;
  }
  const schedules = new EagerSchedules(executor, registry);
  await schedules.reconcile(declared);
  return schedules;
}
