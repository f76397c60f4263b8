/** Name of the backoff strategy the worker registers: the delay is decided by the retry policy. */
export const TASKS_BACKOFF = 'tasks';

/** Key of the stand-in data given to a job whose stored data or options are not JSON. */
export const UNDECODABLE = '__undecodable__';

/** BullMQ's reason for a job that stalled more often than `maxStalledCount` allows. */
export const STALLED_REASON = 'job stalled more than allowable limit';
