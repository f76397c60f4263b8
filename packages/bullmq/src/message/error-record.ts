/**
 * BullMQ keeps a failed job's `failedReason` (the message) and `stacktrace` only.
 * To give callers the task error's name too, the error thrown to BullMQ carries a
 * stack whose first line is `<name>: <message>`, which {@link readErrorName} reads back.
 */
export function stackWithName(error: Error): string {
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [`${error.name}: ${error.message}`, ...frames].join('\n');
}

/** The error name recorded by {@link stackWithName}, or `undefined` if the stack was not ours. */
export function readErrorName(stack: string | undefined, message: string): string | undefined {
  if (!stack) return undefined;
  const marker = `: ${message}`;
  const end = stack.indexOf(marker);
  if (end <= 0) return undefined;
  const name = stack.slice(0, end);
  return /^[\w$.]+$/.test(name) ? name : undefined;
}

/**
 * Thrown to BullMQ for a final failure: the name makes BullMQ fail the job at once
 * whatever attempts remain, and the stack records the task error's own name.
 */
export class FinalFailure extends Error {
  constructor(readonly error: Error) {
    super(error.message);
    this.name = 'UnrecoverableError';
    this.stack = stackWithName(error);
  }
}

/** Thrown to BullMQ when another attempt is due; its delay is read by the backoff strategy. */
export class RetryScheduled extends Error {
  constructor(
    readonly error: Error,
    readonly delayMs: number,
  ) {
    super(error.message);
    this.name = 'RetryScheduled';
    this.stack = stackWithName(error);
  }
}
