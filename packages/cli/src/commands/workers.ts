import type { CliContext } from '../context';
import { NothingAnsweredError } from '../errors/nothing-answered.error';
import { duration } from '../output/table';

/** A worker whose last heartbeat is older than this is shown as late (heartbeats come every 2 s). */
const LATE_MS = 6000;

/** `tasks workers`: the workers that heartbeat, with the age of their last heartbeat. */
export async function workers(context: CliContext): Promise<void> {
  const found = await context.tasksControl().workers();
  if (found.length === 0) throw new NothingAnsweredError(`No worker heartbeats under prefix '${context.connection.prefix}'.`);
  const { printer } = context;
  printer.result(found, () =>
    printer.table(
      ['WORKER', 'HOST', 'PID', 'QUEUES', 'CONCURRENCY', 'ACTIVE', 'PROCESSED', 'HEARTBEAT'],
      found.map((w) => [
        w.heartbeatAgeMs > LATE_MS ? printer.style.yellow(w.name) : printer.style.green(w.name),
        w.hostname,
        String(w.pid),
        w.queues.join(','),
        String(w.concurrency),
        String(w.active),
        String(w.processed),
        `${duration(w.heartbeatAgeMs)} ago`,
      ]),
    ),
  );
}
