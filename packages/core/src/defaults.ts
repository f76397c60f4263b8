/** Defaults of the framework-free parts, in one place; `@tasks/bullmq` extends them with its own. */
export const CORE_DEFAULTS = {
  /** How long one awaited receiver or hook may take before the dispatch goes on without it. */
  receiverTimeoutMs: 30_000,
  /** After an abort (time limit or terminate), how long a body may still take to settle. */
  timeLimitGraceMs: 1000,
  /** Largest JSON payload (arguments and headers) one task may carry. */
  maxPayloadBytes: 16 * 1024 * 1024,
} as const;
