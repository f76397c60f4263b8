import { Queue } from 'bullmq';
import { BullmqExecutor } from '../../src';
import type { TickRun } from '../fixtures/schedule-messages';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../support/redis';
import { ScheduleProcesses } from './support/schedule-processes';

/** These tests start child processes; two minutes each is ample on a busy machine. */
const TEST_TIMEOUT_MS = 2 * 60 * 1000;
jest.setTimeout(TEST_TIMEOUT_MS);

const isRecord = (run: TickRun) => run.task === 'ticks.record';

/** Checks each tick ran once, under the id BullMQ gave it, and returns the due times in order. */
function dueTimes(runs: readonly TickRun[]): number[] {
  expect(new Set(runs.map((run) => run.taskId)).size).toBe(runs.length);
  expect(new Set(runs.map((run) => run.scheduledFor)).size).toBe(runs.length);
  for (const run of runs) expect(run.taskId).toBe(`repeat:${run.scheduleId}:${Date.parse(run.scheduledFor)}`);
  return runs.map((run) => Date.parse(run.scheduledFor)).sort((a, b) => a - b);
}

function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((time, i) => time - times[i]!);
}

describe('schedule ticks across processes', () => {
  let prefix: string;
  let processes: ScheduleProcesses;

  beforeEach(() => {
    prefix = uniquePrefix('sched');
    processes = new ScheduleProcesses();
  });

  afterEach(async () => {
    await processes.stopAll('SIGKILL');
    await deleteKeys(prefix);
  });

  it('runs each tick exactly once with two workers and a publish-only process declaring the same schedule', async () => {
    const recordSchedule = { every: '1s' as const };
    processes.spawn({ prefix, name: 'w1', role: 'worker', recordSchedule });
    processes.spawn({ prefix, name: 'w2', role: 'worker', recordSchedule });
    processes.spawn({ prefix, name: 'api', role: 'publisher', recordSchedule });
    await processes.ready('w1', 'w2', 'api');

    await processes.runsOf(isRecord, 7);
    await processes.stopAll();

    const runs = processes.runs.filter(isRecord);
    const times = dueTimes(runs);
    // Consecutive ticks, one second apart: none twice, none missing between the first and the last.
    expect(gaps(times).every((gap) => gap === 1000)).toBe(true);
    expect(runs.every((run) => run.scheduleId === 'ticks.record')).toBe(true);
    const queue = new Queue('ticks', { connection: { url: REDIS_URL }, prefix });
    try {
      expect(await queue.getJobSchedulersCount()).toBe(1);
    } finally {
      await queue.close();
    }
  });

  it('keeps ticking on the other worker after one is killed with SIGKILL, and runs no tick twice', async () => {
    const recordSchedule = { every: '1s' as const };
    processes.spawn({ prefix, name: 'w1', role: 'worker', recordSchedule });
    processes.spawn({ prefix, name: 'w2', role: 'worker', recordSchedule });
    await processes.ready('w1', 'w2');
    const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    try {
      const before = await processes.runsOf(isRecord, 3);
      // Kill the worker that ran the latest tick once that tick is recorded as done: the next
      // tick was written into Redis when it took this one, so the survivor must run it.
      const latest = before[before.length - 1]!;
      await executor.result(latest.taskId, { queue: 'ticks' }).get({ timeoutMs: 10_000 });
      await processes.stop(latest.worker, 'SIGKILL');
      const survivor = latest.worker === 'w1' ? 'w2' : 'w1';

      const runs = await processes.runsOf(isRecord, before.length + 4);
      await processes.stopAll();
      const after = processes.runs.filter(isRecord).slice(before.length);
      expect(after.every((run) => run.worker === survivor)).toBe(true);
      const times = dueTimes(processes.runs.filter(isRecord));
      expect(times.length).toBeGreaterThanOrEqual(runs.length);
      // No tick twice (dueTimes checks it) and every tick on the schedule's grid. A tick that
      // fell due while the lone survivor ran late under load may be skipped, as BullMQ skips
      // missed ticks; the test asks that ticks go on, not that none is ever late.
      expect(gaps(times).every((gap) => gap > 0 && gap % 1000 === 0)).toBe(true);
    } finally {
      await executor.close();
    }
  });

  it('follows the code at restart: a changed cron is updated, a removed schedule stops, a runtime one survives both', async () => {
    const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    try {
      processes.spawn({ prefix, name: 'v1', role: 'worker', recordSchedule: { cron: '* * * * * *' } });
      await processes.ready('v1');
      await executor.schedules.upsert('rt', { task: 'ticks.other', every: '1s', options: { queue: 'ticks' } });
      const isRuntime = (run: TickRun) => run.scheduleId === 'rt';
      await processes.runsOf(isRecord, 2);
      await processes.runsOf(isRuntime, 2);
      await processes.stop('v1');

      // Version 2: the same schedule every two seconds.
      processes.spawn({ prefix, name: 'v2', role: 'worker', recordSchedule: { cron: '*/2 * * * * *' } });
      await processes.ready('v2');
      const changed = await executor.schedules.get('ticks.record');
      expect(changed).toMatchObject({ source: 'code', cron: '*/2 * * * * *' });
      expect(changed!.next!.getTime() % 2000).toBe(0);
      const recordBefore = processes.runs.filter(isRecord).length;
      const v2Runs = (await processes.runsOf(isRecord, recordBefore + 2)).slice(recordBefore);
      const v2Times = dueTimes(v2Runs);
      expect(v2Times.every((time) => time % 2000 === 0)).toBe(true);
      expect(gaps(v2Times)).toEqual([2000]);
      await processes.stop('v2');

      // Version 3: the task no longer declares a schedule.
      processes.spawn({ prefix, name: 'v3', role: 'worker' });
      await processes.ready('v3');
      expect((await executor.schedules.list()).map((schedule) => schedule.id)).toEqual(['rt']);
      const recordCount = processes.runs.filter(isRecord).length;
      const runtimeCount = processes.runs.filter(isRuntime).length;
      await processes.runsOf(isRuntime, runtimeCount + 3);
      expect(processes.runs.filter(isRecord).length).toBe(recordCount);
      await processes.stopAll();
      dueTimes(processes.runs.filter(isRuntime));
    } finally {
      await executor.close();
    }
  });
});
