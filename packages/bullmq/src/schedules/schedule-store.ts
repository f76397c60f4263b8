import type { RedisClient as Redis } from '../connection/redis-client';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { tasksKeys } from '../keys';
import type { ParsedSchedule } from './parsed-schedule';

const LOCK_TTL_MS = 30_000;
const LOCK_RETRY_MS = 50;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Our record of the schedules, beside BullMQ's job schedulers: which task, queue
 * and source each has, and when its latest tick was due. BullMQ keeps the timing
 * and writes the ticks; this lets `list()` show sources and reconciliation know
 * what it created.
 */
export class ScheduleStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async all(): Promise<ParsedSchedule[]> {
    const records = await this.redis.hgetall(tasksKeys.schedules(this.prefix));
    return Object.values(records)
      .map((json) => JSON.parse(json) as ParsedSchedule)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async get(id: string): Promise<ParsedSchedule | undefined> {
    const json = await this.redis.hget(tasksKeys.schedules(this.prefix), id);
    return json === null ? undefined : (JSON.parse(json) as ParsedSchedule);
  }

  async put(schedule: ParsedSchedule): Promise<void> {
    await this.redis.hset(tasksKeys.schedules(this.prefix), schedule.id, JSON.stringify(schedule));
  }

  async delete(id: string): Promise<boolean> {
    const [[, removed]] = (await this.redis
      .multi()
      .hdel(tasksKeys.schedules(this.prefix), id)
      .hdel(tasksKeys.scheduleLastRun(this.prefix), id)
      .exec()) as [[Error | null, number], [Error | null, number]];
    return removed > 0;
  }

  /** When each schedule's latest tick was due (epoch ms), by id. */
  async lastRuns(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const values = await this.redis.hmget(tasksKeys.scheduleLastRun(this.prefix), ...ids);
    return new Map(ids.flatMap((id, i) => (values[i] == null ? [] : [[id, Number(values[i])] as [string, number]])));
  }

  /**
   * Runs `work` while holding the reconciliation lock of this prefix, so that
   * processes booting together reconcile one after another: the later ones find
   * every schedule up to date and write nothing.
   */
  async exclusively<T>(work: () => Promise<T>): Promise<T> {
    const key = tasksKeys.scheduleLock(this.prefix);
    const token = randomUUID();
    while ((await this.redis.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') await sleep(LOCK_RETRY_MS);
    try {
      return await work();
    } finally {
      await this.redis.eval(RELEASE, 1, key, token);
    }
  }
}

/** Records when a schedule's tick was due; called by the worker that takes it and by `runNow`. */
export async function recordLastRun(redis: Redis, prefix: string, id: string, dueAt: number): Promise<void> {
  await redis.hset(tasksKeys.scheduleLastRun(prefix), id, String(dueAt));
}
