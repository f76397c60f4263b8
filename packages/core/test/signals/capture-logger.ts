import { setTasksLogger, type TasksLogger } from '../../src/logging/logger';

/** Collects what the library logs during a test, and restores the logger after. */
export function captureLogger(): { errors: { message: string; stack?: string }[]; restore: () => void } {
  const errors: { message: string; stack?: string }[] = [];
  const logger: TasksLogger = {
    log: () => undefined,
    warn: () => undefined,
    error: (message, stack) => errors.push({ message, stack }),
  };
  const previous = setTasksLogger(logger);
  return { errors, restore: () => setTasksLogger(previous) };
}
