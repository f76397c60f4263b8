/** Redis keys of our own, beside BullMQ's `<prefix>:<queue>:…` keys (queue names can not hold ':'). */
export const tasksKeys = {
  /** Sorted set of revoked task ids, scored by when the revoke lapses. */
  revoked: (prefix: string) => `${prefix}::revoked`,
  /** Channel on which clients ask workers to abort running tasks. */
  control: (prefix: string) => `${prefix}::control`,
  /** Next allowed start time of a rate-limited task name. */
  rateLimit: (prefix: string, taskName: string) => `${prefix}::rate:${taskName}`,
};

/** How long a revoke is remembered, so a task revoked while running never runs again. */
export const REVOKE_TTL_MS = 24 * 60 * 60 * 1000;
