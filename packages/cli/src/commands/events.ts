import { TaskEvents, type TaskEvent } from '@tasks/bullmq';
import type { CliContext } from '../context';
import type { Style } from '../output/style';
import { brief } from '../output/table';

export interface EventsOptions {
  task?: string;
  follow?: boolean;
}

/**
 * `tasks events`: prints the events the stream keeps, one line each; with
 * `--follow`, asks the workers to publish and prints new events until interrupted.
 * `--task` keeps the events of one task, by id or by name.
 */
export async function events(context: CliContext, options: EventsOptions, stop: Promise<void>): Promise<void> {
  const { printer } = context;
  const keep = (event: TaskEvent) => options.task === undefined || event.sender === options.task || taskIdOf(event) === options.task;
  const print = (event: TaskEvent) => {
    if (keep(event)) printer.line(event, line(event, printer.style));
  };
  const history = await TaskEvents.history(context.connection);
  history.forEach(print);
  if (!options.follow) return;
  const from = history.length > 0 ? history[history.length - 1]!.id : 'now';
  const stream = await TaskEvents.open({ ...context.connection, from });
  printer.note('Listening for events (Ctrl-C to stop)…');
  const stopped = stop.then(() => stream.close());
  for await (const event of stream) print(event);
  await stopped;
}

/** The task an event is about, or (a custom signal) the task it was sent from. */
function taskIdOf(event: TaskEvent): string | undefined {
  const taskId = (event.payload as { taskId?: unknown }).taskId;
  return typeof taskId === 'string' ? taskId : event.taskId;
}

/** `12:00:01.250  task-succeeded  billing.charge  3f2a…  w1 (4242)  result 42, 12 ms` */
function line(event: TaskEvent, style: Style): string {
  const time = new Date(event.timestamp).toISOString().slice(11, 23);
  const kind = event.type ?? event.signal;
  const colour = /failed|rejected|revoked|failure|unknown|error/.test(kind) ? style.red : /succeeded|online/.test(kind) ? style.green : (text: string) => text;
  const from = `${event.origin.name} (${event.origin.pid})`;
  return [style.dim(time), colour(kind.padEnd(16)), event.sender, taskIdOf(event) ?? '-', style.dim(from), detail(event)].filter((part) => part !== '').join('  ');
}

function detail(event: TaskEvent): string {
  switch (event.signal) {
    case 'task_success':
      return `result ${brief(event.payload.result, 40)}, ${Math.round(event.payload.runtimeMs)} ms`;
    case 'task_failure':
    case 'task_retry':
    case 'task_internal_error':
    case 'task_unknown':
    case 'task_rejected':
      return `${event.payload.error.name}: ${event.payload.error.message}`;
    case 'task_postrun':
      return String(event.payload.state);
    case 'task_revoked':
      return event.payload.reason;
    case 'worker_heartbeat':
      return `active ${event.payload.active}/${event.payload.concurrency}, processed ${event.payload.processed}`;
    default:
      return '';
  }
}
