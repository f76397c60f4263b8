import type { CliContext } from '../context';
import { NothingAnsweredError } from '../errors/nothing-answered.error';

/** `tasks ping`: which workers answer, and how fast. */
export async function ping(context: CliContext): Promise<void> {
  const replies = await context.tasksControl().ping();
  if (replies.length === 0) throw new NothingAnsweredError(`No worker answered within ${context.timeoutMs} ms.`);
  const { printer } = context;
  printer.result(replies, () =>
    printer.table(
      ['WORKER', 'HOST', 'PID', 'LATENCY'],
      replies.map((r) => [printer.style.green(r.worker), r.hostname, String(r.pid), `${r.latencyMs} ms`]),
    ),
  );
}
