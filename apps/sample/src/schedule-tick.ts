import type { ScheduleInfo } from '@tasks/core';
import type { SignalBus } from '@tasks/nestjs';
import type { SalesSummary } from './orders.repository';

/** A tick of a schedule as the demo saw it run. */
export interface SeenTick {
  taskId: string;
  scheduledFor: string;
  /** Milliseconds between when the tick was due and when its body started. */
  lateMs: number;
  result: SalesSummary;
}

/**
 * Resolves with the first tick of `task` that was due at `after` or later, heard from
 * `task_prerun` (its headers carry `scheduledFor`) and `task_success` (its result).
 */
export function nextTick(signals: SignalBus, task: string, after: number, timeoutMs: number): Promise<SeenTick> {
  const started = new Map<string, { scheduledFor: string; lateMs: number }>();
  const offs: Array<() => boolean> = [];
  return new Promise<SeenTick>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No tick of ${task} ran within ${timeoutMs} ms.`)), timeoutMs);
    offs.push(
      signals.connect('task_prerun', (event) => {
        const { taskId, context } = event as { taskId: string; context: { headers: Record<string, unknown> } };
        const scheduledFor = context.headers.scheduledFor;
        if (typeof scheduledFor === 'string') started.set(taskId, { scheduledFor, lateMs: Date.now() - Date.parse(scheduledFor) });
      }, { sender: task }),
      signals.connect('task_success', (event) => {
        const { taskId, result } = event as { taskId: string; result: SalesSummary };
        const tick = started.get(taskId);
        if (tick === undefined || Date.parse(tick.scheduledFor) < after) return;
        clearTimeout(timer);
        resolve({ taskId, ...tick, result });
      }, { sender: task }),
    );
  }).finally(() => offs.forEach((off) => off()));
}

/** The tick and the schedule's `list()` entry, for the terminal. */
export function formatTick(tick: SeenTick, schedule: ScheduleInfo | undefined): string {
  const { paid, fulfilled, payment_failed: failed, paidTotal } = tick.result;
  const timing = schedule?.cron !== undefined ? `cron '${schedule.cron}'` : `every ${schedule?.every ?? '?'} ms`;
  return [
    `Periodic task ${schedule?.task ?? '?'} (${timing}, source ${schedule?.source ?? '?'}): a tick after the orders settled`,
    `  task ${tick.taskId}  scheduled for ${tick.scheduledFor}  started ${tick.lateMs} ms after  ->  ${paid + fulfilled} paid (${paidTotal.toFixed(2)}), ${failed} payment failed`,
    `  schedules.list(): queue ${schedule?.queue ?? '?'}  last ${schedule?.last?.toISOString() ?? '-'}  next ${schedule?.next?.toISOString() ?? '-'}`,
  ].join('\n');
}
