/**
 * Where the library writes what it can not hand back to a caller: receivers that
 * threw, hooks that failed. Shaped so that a NestJS `Logger` fits as it is.
 */
export interface TasksLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, stack?: string): void;
}

const consoleLogger: TasksLogger = {
  log: (message) => console.log(`[tasks] ${message}`),
  warn: (message) => console.warn(`[tasks] ${message}`),
  error: (message, stack) => console.error(`[tasks] ${message}${stack ? `\n${stack}` : ''}`),
};

let current: TasksLogger = consoleLogger;

/**
 * Replaces the process-wide logger (the NestJS module installs Nest's own).
 * Returns the previous one so a test can put it back.
 */
export function setTasksLogger(logger: TasksLogger | undefined): TasksLogger {
  const previous = current;
  current = logger ?? consoleLogger;
  return previous;
}

/** The logger in use now. */
export function tasksLogger(): TasksLogger {
  return current;
}
