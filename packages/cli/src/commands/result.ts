import { TaskState } from '@tasks/core';
import { READY_STATES } from '@tasks/core/internal';
import type { CliContext } from '../context';
import { printOutcome, waitMs } from './call';

/** `tasks result <id> [--wait]`: a task's state, and its result or error once it has one. */
export async function result(context: CliContext, id: string, options: { wait?: boolean }): Promise<void> {
  const executor = await context.tasksExecutor();
  const handle = executor.result(id);
  if (options.wait) {
    await printOutcome(context, handle, waitMs(context));
    return;
  }
  const state = await handle.state();
  if (state === TaskState.SUCCESS) {
    const value = await handle.get({ timeoutMs: context.timeoutMs });
    context.printer.result({ id, state, result: value }, () => `${context.printer.style.green(state)}\n${JSON.stringify(value, null, 2) ?? 'null'}`);
    return;
  }
  if (READY_STATES.has(state)) {
    const error = await handle.get({ timeoutMs: context.timeoutMs }).then(
      () => undefined,
      (thrown: unknown) => thrown as Error,
    );
    const summary = error ? { name: error.name, message: error.message } : undefined;
    context.printer.result({ id, state, error: summary }, () => `${context.printer.style.red(state)}${summary ? `\n${summary.name}: ${summary.message}` : ''}`);
    return;
  }
  context.printer.result({ id, state }, () => state);
}
