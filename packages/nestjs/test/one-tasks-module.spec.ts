import { Logger, Module } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { DuplicateTasksModuleError, TaskClient, TasksModule } from '@tasks/nestjs';
import { EmailModule } from './fixtures/email.module';
import { closeFailedApp, compileApp, startApp } from './support/start-app';

// Not eager, with a dead Redis and a long timeout: the check must come before any
// connection attempt, or the test would wait for the timeout.
const deadRedis = { connection: 'redis://127.0.0.1:1', connectTimeoutMs: 60_000 };

@Module({ imports: [TasksModule.forRoot({ ...deadRedis, prefix: 'reports' })] })
class ReportsModule {}

@Module({ imports: [TasksModule.forRootAsync({ useFactory: () => ({ ...deadRedis, prefix: 'billing' }) })] })
class BillingModule {}

/** `line:column` of `code` in this file: where V8 places a call, at the method name. */
function siteOf(code: string): string {
  const lines = readFileSync(__filename, 'utf8').split('\n');
  const line = lines.findIndex((text) => text.includes(code));
  return `${line + 1}:${lines[line]!.indexOf(code) + 1}`;
}

async function initError(imports: NonNullable<Parameters<typeof compileApp>[0]['imports']>): Promise<unknown> {
  const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  try {
    const app = await compileApp({ imports });
    const error = await app.init().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    await closeFailedApp(app);
    return error;
  } finally {
    logged.mockRestore();
  }
}

describe('one TasksModule per app', () => {
  it('a second forRoot() fails at bootstrap, naming both imports', async () => {
    const error = await initError([TasksModule.forRoot(deadRedis), EmailModule, ReportsModule]);

    expect(error).toBeInstanceOf(DuplicateTasksModuleError);
    const { imports, message } = error as DuplicateTasksModuleError;
    expect(imports).toHaveLength(2);
    expect(imports).toEqual(
      expect.arrayContaining([
        `TasksModule.forRoot() in RootTestModule (packages/nestjs/test/one-tasks-module.spec.ts:${siteOf('forRoot(deadRedis), EmailModule')})`,
        `TasksModule.forRoot() in ReportsModule (packages/nestjs/test/one-tasks-module.spec.ts:${siteOf("forRoot({ ...deadRedis, prefix: 'reports' })")})`,
      ]),
    );
    expect(message).toContain('TasksModule is imported 2 times in one app');
    expect(message).toContain('keep the import in the root module and remove the others');
  });

  it('forRootAsync() counts as an import too', async () => {
    const error = await initError([TasksModule.forRoot(deadRedis), BillingModule]);

    expect(error).toBeInstanceOf(DuplicateTasksModuleError);
    expect((error as DuplicateTasksModuleError).imports).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^TasksModule\.forRoot\(\) in RootTestModule /),
        `TasksModule.forRootAsync() in BillingModule (packages/nestjs/test/one-tasks-module.spec.ts:${siteOf('forRootAsync({')})`,
      ]),
    );
  });

  it('one forRoot() module imported from two places is one TasksModule', async () => {
    const tasks = TasksModule.forRoot({ eager: true });
    @Module({ imports: [tasks, EmailModule] })
    class FeatureModule {}

    const app = await startApp({ imports: [tasks, FeatureModule] });
    try {
      const result = await app.get(TaskClient).delay('emails.send', 'a@b.c', 'hi');
      await expect(result.get()).resolves.toBe('queued for a@b.c');
    } finally {
      await app.close();
    }
  });
});
