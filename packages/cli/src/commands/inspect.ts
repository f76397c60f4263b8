import type { InspectValues, InspectWhat, WorkerReply } from '@tasks/bullmq';
import type { CliContext } from '../context';
import { NothingAnsweredError } from '../errors/nothing-answered.error';
import { UsageError } from '../errors/usage.error';
import { brief, duration } from '../output/table';

export const INSPECT_TARGETS: readonly InspectWhat[] = ['active', 'reserved', 'scheduled', 'registered', 'stats', 'revoked'];

/** `tasks inspect <what>`: what each worker holds or knows. */
export async function inspect(context: CliContext, what: string): Promise<void> {
  if (!INSPECT_TARGETS.includes(what as InspectWhat)) {
    throw new UsageError(`inspect: unknown target '${what}'; use one of ${INSPECT_TARGETS.join(', ')}.`);
  }
  const replies = await context.tasksControl().inspect(what as InspectWhat);
  if (replies.length === 0) throw new NothingAnsweredError(`No worker answered within ${context.timeoutMs} ms.`);
  context.printer.result(replies, () => human(context, what as InspectWhat, replies));
}

function human(context: CliContext, what: InspectWhat, replies: WorkerReply<InspectValues[InspectWhat]>[]): string {
  const { printer } = context;
  const now = Date.now();
  const errors = replies.filter((r) => r.error !== undefined).map((r) => printer.style.red(`${r.worker}: ${r.error}`));
  const ok = replies.filter((r) => r.error === undefined);
  const rows = (pick: <What extends InspectWhat>(reply: WorkerReply<InspectValues[What]>) => string[][]) => ok.flatMap((reply) => pick(reply));
  let body: string;
  switch (what) {
    case 'active':
    case 'reserved':
      body = printer.table(
        ['WORKER', 'ID', 'TASK', 'ARGS', what === 'active' ? 'RUNNING' : 'WAITING'],
        rows((r) => ((r.value ?? []) as InspectValues['active']).map((t) => [r.worker, t.id, t.name, brief(t.args, 40), duration(now - (t.startedAt ?? t.receivedAt))])),
      );
      break;
    case 'scheduled':
      body = printer.table(
        ['WORKER', 'ID', 'TASK', 'QUEUE', 'ETA'],
        rows((r) => ((r.value ?? []) as InspectValues['scheduled']).map((t) => [r.worker, t.id, t.name, t.queue, new Date(t.eta).toISOString()])),
      );
      break;
    case 'registered':
      body = printer.table(['WORKER', 'TASK'], rows((r) => ((r.value ?? []) as string[]).map((name) => [r.worker, name])));
      break;
    case 'revoked':
      body = printer.table(['WORKER', 'TASK ID'], rows((r) => ((r.value ?? []) as string[]).map((id) => [r.worker, id])));
      break;
    case 'stats':
      body = printer.table(
        ['WORKER', 'PID', 'UPTIME', 'CONCURRENCY', 'ACTIVE', 'PROCESSED', 'FAILED', 'RSS', 'NODE'],
        rows((r) => {
          const s = r.value as InspectValues['stats'];
          return [[r.worker, String(s.pid), duration(s.uptimeMs), String(s.concurrency), String(s.active), String(s.processed), String(s.failed), `${Math.round(s.memory.rssBytes / 1048576)} MB`, s.node]];
        }),
      );
      break;
  }
  return [body, ...errors].join('\n');
}
