import type { CliContext } from '../context';
import { UsageError } from '../errors/usage.error';

/** `tasks purge <queue> --yes`: removes every waiting and delayed task of a queue. */
export async function purge(context: CliContext, queue: string, options: { yes?: boolean }): Promise<void> {
  if (options.yes !== true) {
    throw new UsageError(`purge deletes every waiting and delayed task of queue '${queue}' for good; run it again with --yes to do so.`);
  }
  const removed = await context.tasksControl().purge(queue);
  context.printer.result({ queue, removed }, () => `Purged ${removed} task(s) from queue '${queue}'.`);
}
