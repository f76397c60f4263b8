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
import { tasksLogger } from '@tasks/core/internal';
import type { RedisClient as Redis } from '../connection/redis-client';
import type { ResultRetention } from '../options';
import { attemptBudget } from '../message/protocol';
import { taskJobOptions } from '../publisher/task-job-options';
import type { QueueSet } from '../queues/queue-set';
import { declaredSchedules, type DeclaredSchedules } from './declared-schedules';
import { nextRunAt } from './next-run';
import { parseSchedule } from './parse-schedule';
import { assertRuntimeUpsert, fingerprint, scheduleInfo, type ParsedSchedule } from './parsed-schedule';
import { recordLastRun, ScheduleStore } from './schedule-store';
import { tickTemplate } from './tick-template';

/** What {@link BullmqSchedules.reconcile} did. */
export interface ReconcileOutcome {
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: string[];
}

/**
 * Periodic tasks on BullMQ job schedulers: BullMQ writes each tick's job in Redis
 * when the previous one is taken, so any number of processes carry the schedules
 * and each tick runs once, with no beat process. Reached as `executor.schedules`.
 *
 * @example
 * const tasks = await BullmqExecutor.connect({ connection: 'redis://127.0.0.1:6379', registry });
 * await tasks.schedules.reconcile({ registry, schedules: { 'files-cleanup': { task: 'files.cleanup', cron: '0 2 * * *', args: [7] } } });
 * await tasks.schedules.upsert('digest-42', { task: 'emails.digest', every: '1d', args: [42] });
 * console.log(await tasks.schedules.list());
 */
export class BullmqSchedules implements TaskSchedules {
  private readonly prefix: string;
  private readonly store: ScheduleStore;

  /** @internal Made by `BullmqExecutor.schedules`, with its connection, queues and settings. */
  constructor(
    private readonly redis: Redis,
    private readonly queues: QueueSet,
    private readonly executor: TaskExecutor,
    private readonly options: { prefix: string; retention: Required<ResultRetention>; registry?: TaskRegistry },
  ) {
    this.prefix = options.prefix;
    this.store = new ScheduleStore(redis, this.prefix);
  }

  async upsert(id: string, spec: ScheduleSpec): Promise<ScheduleInfo> {
    const schedule = parseSchedule(id, spec?.task, spec, { source: 'runtime', declaredIn: 'schedules.upsert()', registry: this.options.registry });
    const previous = await this.store.get(id);
    assertRuntimeUpsert(id, previous);
    await this.write(schedule, previous);
    return (await this.get(id))!;
  }

  async remove(id: string): Promise<boolean> {
    const schedule = await this.store.get(id);
    if (schedule === undefined) return false;
    await this.removeScheduler(schedule);
    return this.store.delete(id);
  }

  async get(id: string): Promise<ScheduleInfo | undefined> {
    const schedule = await this.store.get(id);
    return schedule === undefined ? undefined : (await this.describe([schedule]))[0];
  }

  async list(): Promise<ScheduleInfo[]> {
    return this.describe(await this.store.all());
  }

  async runNow(id: string): Promise<AsyncResult> {
    const schedule = await this.store.get(id);
    if (schedule === undefined) throw new UnknownScheduleError(id);
    const now = Date.now();
    const result = await this.executor.applyAsync(schedule.task, schedule.args, {
      ...schedule.options,
      queue: schedule.queue,
      headers: { [SCHEDULE_ID_HEADER]: id, [SCHEDULED_FOR_HEADER]: new Date(now).toISOString() },
    });
    await recordLastRun(this.redis, this.prefix, id, now);
    return result;
  }

  /**
   * Bootstrap's reconciliation: creates the declared schedules, updates those whose
   * spec changed, and deletes `code` and `config` schedules that this process no
   * longer declares, but only those whose task it registers (apps that share a prefix
   * but run other tasks keep theirs). `runtime` schedules are never touched. Processes
   * booting together take turns, so the later ones find nothing to change.
   * Throws `InvalidScheduleError` / `UnknownScheduleTaskError` before writing anything.
   */
  async reconcile(declared: DeclaredSchedules): Promise<ReconcileOutcome> {
    const wanted = declaredSchedules(declared);
    const registry = declared.registry;
    return this.store.exclusively(async () => {
      const outcome: ReconcileOutcome = { created: [], updated: [], deleted: [], unchanged: [] };
      const existing = new Map((await this.store.all()).map((schedule) => [schedule.id, schedule]));
      for (const schedule of wanted) {
        const previous = existing.get(schedule.id);
        if (previous !== undefined && previous.source === schedule.source && fingerprint(previous) === fingerprint(schedule)) {
          outcome.unchanged.push(schedule.id);
          continue;
        }
        await this.write(schedule, previous);
        (previous === undefined ? outcome.created : outcome.updated).push(schedule.id);
      }
      const wantedIds = new Set(wanted.map((schedule) => schedule.id));
      for (const schedule of existing.values()) {
        if (schedule.source === 'runtime' || wantedIds.has(schedule.id) || registry.get(schedule.task) === undefined) continue;
        await this.removeScheduler(schedule);
        await this.store.delete(schedule.id);
        outcome.deleted.push(schedule.id);
      }
      const changes = [...outcome.created.map((id) => `created ${id}`), ...outcome.updated.map((id) => `updated ${id}`), ...outcome.deleted.map((id) => `deleted ${id}`)];
      if (changes.length > 0) tasksLogger().log(`Schedules: ${changes.join(', ')}.`);
      return outcome;
    });
  }

  private async write(schedule: ParsedSchedule, previous: ParsedSchedule | undefined): Promise<void> {
    if (previous !== undefined && previous.queue !== schedule.queue) await this.removeScheduler(previous);
    await this.queues.get(schedule.queue).upsertJobScheduler(
      schedule.id,
      { pattern: schedule.cron, tz: schedule.tz, every: schedule.every, startDate: schedule.startDate, endDate: schedule.endDate, limit: schedule.limit },
      { name: schedule.task, data: tickTemplate(schedule, Date.now()), opts: taskJobOptions(this.options.retention, schedule.options.priority, attemptBudget(this.options.registry?.get(schedule.task))) },
    );
    await this.store.put(schedule);
  }

  /** Removes BullMQ's scheduler and its pending tick (BullMQ removes a delayed tick only; a due one would still run). */
  private async removeScheduler(schedule: ParsedSchedule): Promise<void> {
    const queue = this.queues.get(schedule.queue);
    const next = await this.redis.zscore(queue.keys.repeat, schedule.id);
    if (next !== null) await queue.remove(`repeat:${schedule.id}:${next}`).catch(() => 0);
    await queue.removeJobScheduler(schedule.id);
  }

  private async describe(schedules: readonly ParsedSchedule[]): Promise<ScheduleInfo[]> {
    const [nexts, lasts] = await Promise.all([Promise.all(schedules.map((schedule) => this.pendingTick(schedule))), this.store.lastRuns(schedules.map((schedule) => schedule.id))]);
    return schedules.map((schedule, i) => {
      const last = lasts.get(schedule.id);
      return scheduleInfo(schedule, nexts[i], last === undefined ? undefined : new Date(last));
    });
  }

  /**
   * When the schedule's next tick is due. BullMQ keeps the time of the latest tick it
   * wrote: while that tick waits, it is the next one; while it runs (or just ran, before
   * BullMQ writes the following one), the next is the one after it, unless the schedule's
   * `limit` or `endDate` was reached with it.
   */
  private async pendingTick(schedule: ParsedSchedule): Promise<Date | undefined> {
    const queue = this.queues.get(schedule.queue);
    const next = await this.redis.zscore(queue.keys.repeat, schedule.id);
    if (next === null) return undefined;
    const state = await queue.getJobState(`repeat:${schedule.id}:${next}`);
    if (state === 'delayed' || state === 'waiting' || state === 'prioritized' || state === 'waiting-children') return new Date(Number(next));
    if (schedule.limit !== undefined) {
      const scheduler = await queue.getJobScheduler(schedule.id);
      if (scheduler === undefined || (scheduler.iterationCount ?? 0) >= schedule.limit) return undefined;
    }
    return nextRunAt(schedule, new Date(Number(next) + 1));
  }
}
