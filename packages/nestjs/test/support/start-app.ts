import { ConsoleLogger, type ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';

/** Nest's logs stay quiet in tests but for errors; warnings are asserted through spies. */
export const quietLogger = new ConsoleLogger({ logLevels: ['error'] });

/** Compiles a testing module without starting it (no lifecycle hooks yet). */
export function compileApp(metadata: ModuleMetadata): Promise<TestingModule> {
  return Test.createTestingModule(metadata).setLogger(quietLogger).compile();
}

/** Compiles and starts an app, as `app.init()` does in a user's e2e test. */
export async function startApp(metadata: ModuleMetadata): Promise<TestingModule> {
  const app = await compileApp(metadata);
  await app.init();
  return app;
}

/**
 * Closes an app whose `init()` failed. NestJS 11 rethrows the init error from
 * `close()` (NestJS 12 does not); that error was already checked by the caller.
 */
export async function closeFailedApp(app: TestingModule): Promise<void> {
  await app.close().catch(() => undefined);
}
