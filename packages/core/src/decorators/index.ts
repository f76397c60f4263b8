export { Task } from './task.decorator';
export { OnSignal } from './on-signal.decorator';
export type { OnSignalOptions } from './on-signal.decorator';
