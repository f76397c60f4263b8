import type { AsyncResult } from '../tasks/async-result';
import type { PublishOptions } from '../tasks/task-message';

/** Header naming the schedule a tick comes from. */
export const SCHEDULE_ID_HEADER = 'scheduleId';
/** Header holding the ISO time a tick was due. */
export const SCHEDULED_FOR_HEADER = 'scheduledFor';

/** An interval: milliseconds, or a duration string such as `'30s'`, `'5m'`, `'1h'`, `'1d'` (also `'500ms'`). */
export type ScheduleInterval = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

/**
 * Publish options applied to every tick of a schedule; the names and meanings are
 * those of {@link PublishOptions}. `expiresMs` counts from the time the tick was due:
 * a tick not started within it ends REVOKED (expired), so a backlog never runs stale work.
 */
export type TickOptions = Pick<PublishOptions, 'queue' | 'priority' | 'expiresMs'>;

/** When a schedule runs: a cron expression or an interval, and what each tick gets. */
export interface ScheduleTiming {
  /** A cron expression (5 fields, or 6 with seconds first), e.g. `'0 3 * * *'`. Not with `every`. */
  cron?: string;
  /** IANA time zone the cron expression is read in, e.g. `'Europe/Paris'`. Default: the process's. */
  tz?: string;
  /** Run every so often. Not with `cron`. */
  every?: ScheduleInterval;
  /** Arguments of every tick (JSON values). Default: none. */
  args?: readonly unknown[];
  /** No tick before this time. */
  startDate?: Date | string | number;
  /** No tick after this time. */
  endDate?: Date | string | number;
  /** Stop after this many ticks. */
  limit?: number;
  /** Publish options of every tick. */
  options?: TickOptions;
}

/**
 * A schedule of a named task, as given to `TasksModule.forRoot({ schedules })` (Celery's
 * `beat_schedule`) or to `schedules.upsert(id, spec)`.
 *
 * @example
 * { task: 'files.cleanup', cron: '0 2 * * *', tz: 'Europe/Paris', args: [7] }
 * { task: 'emails.digest', every: '1d', args: [42], options: { expiresMs: 60_000 } }
 */
export interface ScheduleSpec extends ScheduleTiming {
  /** Name of the task each tick publishes. */
  task: string;
}

/** Where a schedule was declared: on a `@Task()`, in the module's `schedules`, or at run time. */
export type ScheduleSource = 'code' | 'config' | 'runtime';

/** A schedule as `schedules.list()` and `schedules.get(id)` show it. */
export interface ScheduleInfo {
  id: string;
  task: string;
  source: ScheduleSource;
  /** The cron expression, for a cron schedule. */
  cron?: string;
  /** The interval in milliseconds, for an interval schedule. */
  every?: number;
  tz?: string;
  args: readonly unknown[];
  /** Queue the ticks are published to. */
  queue: string;
  startDate?: Date;
  endDate?: Date;
  limit?: number;
  options: TickOptions;
  /** When the next tick is due; `undefined` once the schedule has no run left (limit or endDate reached). */
  next: Date | undefined;
  /** When the latest tick taken by a worker (or published by `runNow`) was due, if any. */
  last: Date | undefined;
}

/**
 * Periodic tasks, as Celery beat without a beat process: `tasks.schedules` on the
 * NestJS `TaskClient` and on the BullMQ executor.
 *
 * @example
 * await tasks.schedules.upsert('digest-42', { task: 'emails.digest', every: '1d', args: [42] });
 * await tasks.schedules.list();   // [{ id: 'digest-42', task: 'emails.digest', every: 86400000, next, last, source: 'runtime', … }]
 * await tasks.schedules.runNow('digest-42');   // one tick now
 * await tasks.schedules.remove('digest-42');   // true
 */
export interface TaskSchedules {
  /** Creates or replaces a `runtime` schedule; an invalid spec throws `InvalidScheduleError`. */
  upsert(id: string, spec: ScheduleSpec): Promise<ScheduleInfo>;
  /** Deletes a schedule and its pending tick; whether it existed. */
  remove(id: string): Promise<boolean>;
  /** One schedule, or `undefined`. */
  get(id: string): Promise<ScheduleInfo | undefined>;
  /** Every schedule, ordered by id. */
  list(): Promise<ScheduleInfo[]>;
  /**
   * Publishes one tick now, with the schedule's arguments, options and headers
   * (`scheduledFor` is now); the schedule's own timing is unchanged.
   */
  runNow(id: string): Promise<AsyncResult>;
}
