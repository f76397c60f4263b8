export { TASK_METADATA, ON_SIGNAL_METADATA } from './constants';
export type { TaskMetadata, SignalHandlerMetadata } from './types';
export { TasksMetadata } from './tasks-metadata.accessor';
