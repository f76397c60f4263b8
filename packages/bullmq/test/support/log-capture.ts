import { setTasksLogger, type TasksLogger } from '@tasks/core';

/** One line the library logged. */
export interface LoggedLine {
  level: 'log' | 'warn' | 'error';
  message: string;
  stack?: string;
}

/** Every line the library logs from now on, by level, so a test can count them; `restore` puts the previous logger back. */
export function captureLogs(): { lines: LoggedLine[]; restore: () => void } {
  const lines: LoggedLine[] = [];
  const logger: TasksLogger = {
    log: (message) => void lines.push({ level: 'log', message }),
    warn: (message) => void lines.push({ level: 'warn', message }),
    error: (message, stack) => void lines.push({ level: 'error', message, stack }),
  };
  const previous = setTasksLogger(logger);
  return { lines, restore: () => setTasksLogger(previous) };
}
