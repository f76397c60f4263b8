/** Redis keys of our own, beside BullMQ's `<prefix>:<queue>:…` keys (queue names can not hold ':'). */
export const tasksKeys = {
  /** Sorted set of revoked task ids, scored by when the revoke lapses. */
  revoked: (prefix: string) => `${prefix}::revoked`,
  /** Channel on which clients ask workers to abort running tasks. */
  control: (prefix: string) => `${prefix}::control`,
  /** Hash of a canvas task published later (or never): its queue and name, and why it will never run. */
  step: (prefix: string, taskId: string) => `${prefix}::step:${taskId}`,
  /** The capped stream of task events and cluster signal sends. */
  events: (prefix: string) => `${prefix}::events`,
  /** Hash of the processes listening to events: what each wants, and until when. */
  listeners: (prefix: string) => `${prefix}::listeners`,
  /** Hash of live workers and their last heartbeat. */
  workers: (prefix: string) => `${prefix}::workers`,
  /** Channel of control requests and listener announcements. */
  bus: (prefix: string) => `${prefix}::bus`,
  /** Channel on which one process receives replies to its control requests. */
  replies: (prefix: string, node: string) => `${prefix}::reply:${node}`,
  /** Next allowed start time of a rate-limited task name. */
  rateLimit: (prefix: string, taskName: string) => `${prefix}::rate:${taskName}`,
  /** Hash of the schedules we created, by id: their spec, source and queue (BullMQ holds their timing). */
  schedules: (prefix: string) => `${prefix}::schedules`,
  /** Hash of when each schedule's latest tick was due, by id. */
  scheduleLastRun: (prefix: string) => `${prefix}::schedules:last`,
  /** Held while one process reconciles the schedules it declares. */
  scheduleLock: (prefix: string) => `${prefix}::schedules:lock`,
};

/** How long a revoke is remembered, so a task revoked while running never runs again. */
export const REVOKE_TTL_MS = 24 * 60 * 60 * 1000;
