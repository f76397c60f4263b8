/** Injection token of the module options with every default applied. */
export const TASKS_OPTIONS = Symbol('tasks:options');

/** Context of every log line the module writes. */
export const TASKS_LOGGER_CONTEXT = 'Tasks';
