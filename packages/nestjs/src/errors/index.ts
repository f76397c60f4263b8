export { DuplicateTasksModuleError } from './duplicate-tasks-module.error';
export { NotATaskError } from './not-a-task.error';
export { TasksNotReadyError } from './tasks-not-ready.error';
