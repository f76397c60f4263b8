import {
  SCHEDULE_ID_HEADER,
  SCHEDULED_FOR_HEADER,
  UnknownScheduleError,
  type AsyncResult,
  type ScheduleInfo,
  type ScheduleSpec,
  type TaskExecutor,
  type TaskRegistry,
  type TaskSchedules,
} from '@tasks/core';
import { declaredSchedules, type DeclaredSchedules } from './declared-schedules';
import { nextRunAt } from './next-run';
import { parseSchedule } from './parse-schedule';
import { assertRuntimeUpsert, scheduleInfo, type ParsedSchedule } from './parsed-schedule';

/**
 * Schedules in eager mode (tests): checked and listed like real ones, kept in
 * memory, and never run on their own; `runNow(id)` runs one tick inline, so a
 * test drives a schedule tick by tick.
 *
 * @example
 * const schedules = new EagerSchedules(new EagerExecutor(registry), registry);
 * await schedules.reconcile({ registry });
 * await (await schedules.runNow('reports.daily')).get();
 */
export class EagerSchedules implements TaskSchedules {
  private readonly schedules = new Map<string, ParsedSchedule>();
  private readonly lastRuns = new Map<string, number>();

  constructor(
    private readonly executor: TaskExecutor,
    private readonly registry?: TaskRegistry,
  ) {}

  /** Checks and keeps the declared schedules, as bootstrap does against Redis; replaces earlier ones. */
  async reconcile(declared: DeclaredSchedules): Promise<void> {
    const wanted = declaredSchedules(declared);
    for (const [id, schedule] of this.schedules) if (schedule.source !== 'runtime') this.schedules.delete(id);
    for (const schedule of wanted) this.schedules.set(schedule.id, schedule);
  }

  async upsert(id: string, spec: ScheduleSpec): Promise<ScheduleInfo> {
    const schedule = parseSchedule(id, spec?.task, spec, { source: 'runtime', declaredIn: 'schedules.upsert()', registry: this.registry });
    assertRuntimeUpsert(id, this.schedules.get(id));
    this.schedules.set(id, schedule);
    return (await this.get(id))!;
  }

  async remove(id: string): Promise<boolean> {
    this.lastRuns.delete(id);
    return this.schedules.delete(id);
  }

  async get(id: string): Promise<ScheduleInfo | undefined> {
    const schedule = this.schedules.get(id);
    return schedule === undefined ? undefined : this.describe(schedule);
  }

  async list(): Promise<ScheduleInfo[]> {
    return [...this.schedules.keys()].sort().map((id) => this.describe(this.schedules.get(id)!));
  }

  async runNow(id: string): Promise<AsyncResult> {
    const schedule = this.schedules.get(id);
    if (schedule === undefined) throw new UnknownScheduleError(id);
    const now = Date.now();
    this.lastRuns.set(id, now);
    return this.executor.applyAsync(schedule.task, schedule.args, {
      ...schedule.options,
      queue: schedule.queue,
      headers: { [SCHEDULE_ID_HEADER]: id, [SCHEDULED_FOR_HEADER]: new Date(now).toISOString() },
    });
  }

  private describe(schedule: ParsedSchedule): ScheduleInfo {
    const last = this.lastRuns.get(schedule.id);
    return scheduleInfo(schedule, nextRunAt(schedule, new Date()), last === undefined ? undefined : new Date(last));
  }
}
