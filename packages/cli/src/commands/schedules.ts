import type { CliContext } from '../context';
import { brief, duration } from '../output/table';

/** `tasks schedules list`: the periodic tasks of the prefix, with their next and last ticks. */
export async function listSchedules(context: CliContext): Promise<void> {
  const executor = await context.tasksExecutor();
  const schedules = await executor.schedules.list();
  const { printer } = context;
  const now = Date.now();
  printer.result(schedules, () =>
    schedules.length === 0
      ? `No schedules under prefix '${context.connection.prefix}'.`
      : printer.table(
          ['ID', 'TASK', 'SCHEDULE', 'ARGS', 'QUEUE', 'SOURCE', 'NEXT', 'LAST'],
          schedules.map((s) => [
            s.id,
            s.task,
            s.cron !== undefined ? `cron ${s.cron}${s.tz ? ` (${s.tz})` : ''}` : `every ${duration(s.every ?? 0)}`,
            brief(s.args, 30),
            s.queue,
            s.source,
            s.next ? `${s.next.toISOString()} (in ${duration(Math.max(0, s.next.getTime() - now))})` : '-',
            s.last ? s.last.toISOString() : '-',
          ]),
        ),
  );
}
