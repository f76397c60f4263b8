import { Logger } from '@nestjs/common';
import { DuplicateTaskError, UnknownSignalError } from '@tasks/core';
import { TaskClient, TasksModule } from '@tasks/nestjs';
import { AuditModule } from './fixtures/audit.module';
import { EmailModule } from './fixtures/email.module';
import { invoicePaid } from './fixtures/invoice.signals';
import { LegacyEmailTasks, PerRequestTasks, TypoListener } from './fixtures/misconfigured';
import { closeFailedApp, compileApp, startApp } from './support/start-app';

// Not eager, with a dead Redis and a long timeout: these errors must come before
// any connection attempt, or the test would wait for the timeout.
const redisTasks = () => TasksModule.forRoot({ connection: 'redis://127.0.0.1:1', connectTimeoutMs: 60_000 });

/** Starts an app that must fail; returns the error, checking it was logged as well as thrown. */
async function bootstrapError(...providers: Array<typeof LegacyEmailTasks | typeof TypoListener>): Promise<unknown> {
  const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  try {
    const app = await compileApp({ imports: [redisTasks(), EmailModule, AuditModule], providers });
    const error = await app.init().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    await closeFailedApp(app);
    expect(logged).toHaveBeenCalledWith(`Could not start: ${(error as Error).message}`);
    return error;
  } finally {
    logged.mockRestore();
  }
}

describe('bootstrap fails fast', () => {
  it('on a duplicate task name, naming both methods', async () => {
    const error = await bootstrapError(LegacyEmailTasks);

    expect(error).toBeInstanceOf(DuplicateTaskError);
    expect(error).toMatchObject({ taskName: 'emails.send' });
    const { first, second } = error as DuplicateTaskError;
    expect([first, second].sort()).toEqual(['EmailTasks#send', 'LegacyEmailTasks#send']);
  });

  it('on an @OnSignal() of an unknown signal, naming the method', async () => {
    const error = await bootstrapError(TypoListener);

    expect(error).toBeInstanceOf(UnknownSignalError);
    expect(error).toMatchObject({ signalName: 'task_sucess', where: 'TypoListener#succeeded' });
    expect((error as Error).message).toContain('TypoListener#succeeded');
  });

  it('and leaves no receiver connected behind', async () => {
    await bootstrapError(TypoListener);

    expect(invoicePaid.hasListeners()).toBe(false);
  });
});

describe('request-scoped providers', () => {
  it('are skipped with a warning naming Class#method', async () => {
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const app = await startApp({ imports: [TasksModule.forRoot({ eager: true }), EmailModule], providers: [PerRequestTasks] });
    try {
      const warnings = warned.mock.calls.map(([message]) => String(message));
      expect(warnings).toEqual(
        expect.arrayContaining([expect.stringMatching(/PerRequestTasks#run \(@Task\(\)\).*request-scoped/), expect.stringContaining('PerRequestTasks#succeeded (@OnSignal())')]),
      );
      const result = await app.get(TaskClient).delay('per-request.run');
      await expect(result.get()).rejects.toMatchObject({ name: 'UnknownTaskError' });
    } finally {
      warned.mockRestore();
      await app.close();
    }
  });
});
