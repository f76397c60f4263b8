import { Injectable } from '@nestjs/common';
import { TaskClient, TasksControl } from '@tasks/nestjs';
import type { ActionOutcome, ScheduleRow, WorkerRow } from './api-types';
import type { DashboardFeed } from './feed/dashboard.feed';
import { LIST_VALUE_CHARS, showValue } from './feed/shown-value';

/** A worker whose last heartbeat is older than this is shown offline (heartbeats come every 2 s). */
const OFFLINE_AFTER_MS = 10_000;
/** How long a `stats` inspection waits for the workers. */
const STATS_TIMEOUT_MS = 1000;

/** What the pages read besides the event stream (workers, schedules), and the actions. */
@Injectable()
export class DashboardData {
  constructor(
    private readonly control: TasksControl,
    private readonly client: TaskClient,
  ) {}

  /** Workers from their heartbeats, with what their `stats` answer adds (failed, memory). */
  async workers(): Promise<WorkerRow[]> {
    const [entries, stats] = await Promise.all([this.control.workers(), this.control.inspect('stats', { timeoutMs: STATS_TIMEOUT_MS })]);
    const byName = new Map(stats.map((reply) => [reply.worker, reply.value]));
    return entries.map((entry) => {
      const own = byName.get(entry.name);
      return {
        name: entry.name,
        hostname: entry.hostname,
        pid: entry.pid,
        online: entry.heartbeatAgeMs < OFFLINE_AFTER_MS,
        heartbeatAgeMs: entry.heartbeatAgeMs,
        queues: [...entry.queues],
        concurrency: own?.concurrency ?? entry.concurrency,
        active: own?.active ?? entry.active,
        processed: own?.processed ?? entry.processed,
        failed: own?.failed ?? null,
        succeeded: own?.succeeded ?? null,
        memoryRssBytes: own?.memory.rssBytes ?? null,
        heapUsedBytes: own?.memory.heapUsedBytes ?? null,
        uptimeMs: own?.uptimeMs ?? null,
      };
    });
  }

  async schedules(): Promise<ScheduleRow[]> {
    const schedules = await this.client.schedules.list();
    return schedules.map((s) => ({
      id: s.id,
      task: s.task,
      source: s.source,
      when: `${s.cron !== undefined ? `cron ${s.cron}` : `every ${String(s.every)} ms`}${s.tz ? ` (${s.tz})` : ''}`,
      queue: s.queue,
      args: showValue(s.args, LIST_VALUE_CHARS),
      nextRunAt: s.next?.getTime() ?? null,
      lastRunAt: s.last?.getTime() ?? null,
    }));
  }

  async revoke(taskId: string, terminate: boolean): Promise<ActionOutcome> {
    const outcome = await this.client.revoke(taskId, { terminate });
    const what = outcome.terminated ? 'terminated' : outcome.revoked ? 'revoked' : 'not revoked';
    return { ok: outcome.revoked, message: `Task ${taskId} ${what} (it was ${outcome.previousState}).` };
  }

  /** Publishes a failed (or revoked) task again, as a new task with the same name, arguments and queue. */
  async retry(feed: DashboardFeed, taskId: string): Promise<ActionOutcome> {
    const task = feed.board.detail(taskId);
    if (!task) return { ok: false, message: `Task ${taskId} is not known to the dashboard (not seen in the event stream).` };
    if (task.state !== 'FAILURE' && task.state !== 'REVOKED') return { ok: false, message: `Task ${taskId} is ${task.state}; only a failed or revoked task can be retried.` };
    if (task.args === null) return { ok: false, message: `The arguments of task ${taskId} were not seen; it can not be published again.` };
    const args = JSON.parse(task.args.text) as unknown[];
    const result = await this.client.applyAsync(task.name, args, task.queue === null ? {} : { queue: task.queue });
    return { ok: true, message: `${task.name} published again as ${result.id}`, taskId: result.id };
  }

  async runSchedule(id: string): Promise<ActionOutcome> {
    const result = await this.client.schedules.runNow(id);
    return { ok: true, message: `schedule ${id} ran as ${result.id}`, taskId: result.id };
  }
}
