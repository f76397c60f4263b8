/**
 * Base class of every error thrown by `@tasks/*`, so callers can tell ours
 * apart with one `instanceof TasksError` check.
 *
 * @example
 * try { await result.get({ timeoutMs: 5000 }); }
 * catch (error) { if (error instanceof TasksError) logger.warn(error.message); else throw error; }
 */
export class TasksError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    // Only forward `cause` when given, so `'cause' in error` stays meaningful.
    super(message, options !== undefined && 'cause' in options ? { cause: options.cause } : undefined);
    this.name = new.target.name;
  }
}
