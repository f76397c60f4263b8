export { NotATaskError } from './not-a-task.error';
export { TasksNotReadyError } from './tasks-not-ready.error';
