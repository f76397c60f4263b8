import type { AsyncResult, PublishOptions } from '@tasks/core';
import type { CliContext } from '../context';
import { UsageError } from '../errors/usage.error';

/** How long `--wait` waits for a result unless `--timeout` is given. */
export const DEFAULT_WAIT_MS = 30_000;

export interface CallOptions {
  queue?: string;
  delay?: string;
  wait?: boolean;
}

/** `tasks call <name> [json-args]`: publishes a task, and with `--wait` prints its result. */
export async function call(context: CliContext, name: string, jsonArgs: string | undefined, options: CallOptions): Promise<void> {
  const args = parseArgs(jsonArgs);
  const publish: PublishOptions = { queue: options.queue ?? (await queueOf(context, name)) };
  if (options.delay !== undefined) {
    const delayMs = Number(options.delay);
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new UsageError(`--delay must be a number of milliseconds, got '${options.delay}'.`);
    publish.delayMs = delayMs;
  }
  const executor = await context.tasksExecutor();
  const result = await executor.applyAsync(name, args, publish);
  if (!options.wait) {
    context.printer.result({ id: result.id, name }, () => result.id);
    return;
  }
  await printOutcome(context, result, waitMs(context));
}

/** Prints a finished task's result, or fails with its error. */
export async function printOutcome(context: CliContext, result: AsyncResult, timeoutMs: number): Promise<void> {
  const value = await result.get({ timeoutMs });
  context.printer.result({ id: result.id, state: 'SUCCESS', result: value }, () => JSON.stringify(value, null, 2) ?? 'null');
}

export function waitMs(context: CliContext): number {
  return context.timeoutGiven ? context.timeoutMs : DEFAULT_WAIT_MS;
}

/** The queue the workers take `name` from, as their heartbeats say; `default` when none runs it. */
async function queueOf(context: CliContext, name: string): Promise<string> {
  const workers = await context.tasksControl().workers();
  const queue = workers.map((worker) => worker.tasks?.[name]).find((found) => found !== undefined);
  if (queue !== undefined) return queue;
  context.printer.note(`No worker heartbeats with task '${name}'; publishing it to queue 'default' (give --queue to choose).`);
  return 'default';
}

function parseArgs(json: string | undefined): unknown[] {
  if (json === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`call: json-args is not JSON (${(error as Error).message}); give a JSON array, e.g. '["a@b.c", 2]'.`);
  }
  if (!Array.isArray(parsed)) throw new UsageError(`call: json-args must be a JSON array of arguments, e.g. '["a@b.c", 2]', got ${json}.`);
  return parsed;
}
