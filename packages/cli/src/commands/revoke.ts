import type { CliContext } from '../context';

/** `tasks revoke <id> [--terminate]`: revokes a task; with `--terminate`, aborts it if it runs. */
export async function revoke(context: CliContext, id: string, options: { terminate?: boolean }): Promise<void> {
  const executor = await context.tasksExecutor();
  const outcome = await executor.revoke(id, { terminate: options.terminate === true });
  context.printer.result(outcome, () =>
    outcome.revoked
      ? `Revoked ${id} (was ${outcome.previousState})${outcome.terminated ? ', terminated' : ''}.`
      : `Not revoked: ${id} is ${outcome.previousState}.`,
  );
}
