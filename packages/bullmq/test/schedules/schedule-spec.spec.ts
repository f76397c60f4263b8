import { InvalidScheduleError, TaskRegistry, UnknownScheduleTaskError, type ScheduleSpec, type ScheduleTiming } from '@tasks/core';
import { nextRunAt } from '../../src';
import { declaredSchedules } from '../../src/schedules/declared-schedules';
import { parseSchedule } from '../../src/schedules/parse-schedule';

function registryWith(schedule: ScheduleTiming | undefined): TaskRegistry {
  const registry = new TaskRegistry();
  registry.register(() => undefined, { name: 'reports.daily', source: 'ReportTasks#daily', schedule });
  return registry;
}

describe('schedule specs', () => {
  describe('a @Task() schedule with bad input fails, naming the task', () => {
    const cases: Array<[string, ScheduleTiming, RegExp]> = [
      ['an invalid cron expression', { cron: '61 3 * * *' }, /cron '61 3 \* \* \*' is not a valid cron expression/],
      ['a cron expression that is not one', { cron: 'every morning' }, /is not a valid cron expression/],
      ['an unknown time zone', { cron: '0 3 * * *', tz: 'Europe/Pariss' }, /tz 'Europe\/Pariss' is not a known IANA time zone/],
      ['a zero interval', { every: 0 }, /every must be a positive whole number of milliseconds or a duration/],
      ['a negative interval', { every: -5 }, /every must be a positive/],
      ['a duration string that is not one', { every: '5 minutes' as never }, /every must be .* got '5 minutes'/],
      ['cron and every together', { cron: '0 3 * * *', every: '1h' }, /give either cron or every, not both/],
      ['neither cron nor every', { args: [1] }, /give a cron expression .* or an interval/],
      ['arguments that are not JSON', { every: '1h', args: [1n] }, /args\[0\].*BigInt is not JSON/],
      ['arguments that are not an array', { every: '1h', args: 'x' as never }, /args must be an array/],
      ['a zero limit', { every: '1h', limit: 0 }, /limit must be a positive whole number/],
      ['an invalid start date', { every: '1h', startDate: 'soon' }, /startDate must be a valid date/],
      ['an end before the start', { every: '1h', startDate: '2030-01-02', endDate: '2030-01-01' }, /endDate must be after startDate/],
      ['a publish option that can not be set per tick', { every: '1h', options: { delayMs: 5 } as never }, /options 'delayMs' can not be set per tick/],
      ['an invalid priority', { every: '1h', options: { priority: 0 } }, /options\.priority must be an integer from 1/],
      ['an invalid expiry', { every: '1h', options: { expiresMs: -1 } }, /options\.expiresMs must be a number of milliseconds > 0/],
      ['an unknown option', { every: '1h', timezone: 'UTC' } as never, /unknown option 'timezone'/],
    ];
    it.each(cases)('%s', (_case, schedule, message) => {
      const attempt = () => declaredSchedules({ registry: registryWith(schedule) });
      expect(attempt).toThrow(InvalidScheduleError);
      expect(attempt).toThrow(/^Schedule 'reports\.daily' \(@Task\(\) on ReportTasks#daily\): /);
      expect(attempt).toThrow(message);
    });
  });

  describe('config schedules', () => {
    const config = (schedules: Record<string, ScheduleSpec>) => () => declaredSchedules({ registry: registryWith(undefined), schedules });

    it('fail on bad input, naming the schedule id', () => {
      expect(config({ nightly: { task: 'reports.daily', cron: '0 25 * * *' } })).toThrow(/^Schedule 'nightly' \(TasksModule\.forRoot\(\{ schedules \}\)\): cron/);
      expect(config({ nightly: { task: '', every: '1h' } })).toThrow(/Schedule 'nightly' .*task must be a task name/);
    });

    it('fail on a task registered nowhere in the app unless they name the queue it is taken from', () => {
      expect(config({ nightly: { task: 'reports.weekly', every: '1h' } })).toThrow(UnknownScheduleTaskError);
      expect(config({ nightly: { task: 'reports.weekly', every: '1h' } })).toThrow(/set options\.queue/);
      const [schedule] = config({ nightly: { task: 'reports.weekly', every: '1h', options: { queue: 'reports' } } })();
      expect(schedule).toMatchObject({ id: 'nightly', task: 'reports.weekly', queue: 'reports', source: 'config' });
    });

    it('fail on an id that is also a task with a schedule', () => {
      const registry = registryWith({ every: '1h' });
      expect(() => declaredSchedules({ registry, schedules: { 'reports.daily': { task: 'reports.daily', every: '1m' } } })).toThrow(
        /Schedule 'reports\.daily' .*also the name of a task with @Task\(\{ schedule \}\)/,
      );
    });
  });

  it('normalises intervals, dates and queues', () => {
    const registry = new TaskRegistry();
    registry.register(() => undefined, { name: 'emails.digest', queue: 'emails' });
    const origin = { source: 'runtime' as const, declaredIn: 'schedules.upsert()', registry };
    expect(parseSchedule('d', 'emails.digest', { every: '1d', args: [42] }, origin)).toEqual({
      id: 'd',
      task: 'emails.digest',
      source: 'runtime',
      every: 86_400_000,
      args: [42],
      options: {},
      queue: 'emails',
    });
    expect(parseSchedule('d', 'emails.digest', { every: '500ms', startDate: '2030-01-01T00:00:00Z', limit: 3 }, origin)).toMatchObject({
      every: 500,
      startDate: Date.parse('2030-01-01T00:00:00Z'),
      limit: 3,
    });
    expect(parseSchedule('d', 'emails.digest', { every: 30_000, options: { queue: 'slow' } }, origin).queue).toBe('slow');
  });

  describe('next run of a cron schedule with a time zone, against a fixed clock', () => {
    const daily3am = { cron: '0 3 * * *', tz: 'Europe/Paris' };

    it('follows the spring change: 03:00 is 02:00 UTC before it and 01:00 UTC after', () => {
      expect(nextRunAt(daily3am, new Date('2026-03-27T12:00:00Z'))).toEqual(new Date('2026-03-28T02:00:00Z'));
      expect(nextRunAt(daily3am, new Date('2026-03-28T12:00:00Z'))).toEqual(new Date('2026-03-29T01:00:00Z'));
    });

    it('follows the autumn change back', () => {
      expect(nextRunAt(daily3am, new Date('2026-10-24T12:00:00Z'))).toEqual(new Date('2026-10-25T02:00:00Z'));
      expect(nextRunAt({ cron: '0 3 * * *', tz: 'America/New_York' }, new Date('2026-11-01T00:00:00Z'))).toEqual(new Date('2026-11-01T08:00:00Z'));
    });

    it('runs a time skipped by the spring change an hour later, and a time seen twice in autumn once', () => {
      const at0230 = { cron: '30 2 * * *', tz: 'Europe/Paris' };
      expect(nextRunAt(at0230, new Date('2026-03-28T12:00:00Z'))).toEqual(new Date('2026-03-29T01:30:00Z')); // 03:30 CEST
      const first = nextRunAt(at0230, new Date('2026-10-24T12:00:00Z'))!;
      expect(first).toEqual(new Date('2026-10-25T00:30:00Z')); // 02:30 CEST, the first of the two
      expect(nextRunAt(at0230, new Date(first.getTime() + 1))).toEqual(new Date('2026-10-26T01:30:00Z'));
    });

    it('computes intervals and end dates', () => {
      expect(nextRunAt({ every: 60_000 }, new Date('2026-01-01T00:00:30Z'))).toEqual(new Date('2026-01-01T00:01:00Z'));
      expect(nextRunAt({ ...daily3am, endDate: new Date('2026-03-28T00:00:00Z') }, new Date('2026-03-28T12:00:00Z'))).toBeUndefined();
    });
  });
});
