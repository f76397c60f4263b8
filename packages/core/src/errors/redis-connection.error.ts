import { TasksError } from './tasks.error';

/**
 * Redis could not be reached: not within the connect timeout (bootstrap stops
 * instead of hanging, a publish fails instead of waiting), or it refused us at once
 * (a wrong password, a TLS certificate it does not trust). `cause` carries the
 * server's or the TLS layer's own error when there is one.
 */
export class RedisConnectionError extends TasksError {
  /** Where we tried to connect, with any password masked. */
  readonly target: string;
  /** How long we were prepared to wait. */
  readonly timeoutMs: number;
  /** What went wrong, when it is known better than "no answer in time". */
  readonly reason: string | undefined;

  constructor(target: string, timeoutMs: number, options?: { cause?: unknown; reason?: string }) {
    const masked = maskPassword(target);
    const reason = options?.reason === undefined ? undefined : maskPassword(options.reason);
    super(
      reason === undefined
        ? `Could not connect to Redis at ${masked} within ${timeoutMs}ms. Start Redis or fix the ` +
            `\`connection\` option; if Redis is only slow to answer, raise \`connectTimeoutMs\`.`
        : `Could not use Redis at ${masked}: ${reason}. Check that Redis runs and the \`connection\` option ` +
            `(host, port, password, TLS) matches it.`,
      options !== undefined && 'cause' in options ? { cause: options.cause } : undefined,
    );
    this.target = masked;
    this.timeoutMs = timeoutMs;
    this.reason = reason;
  }
}

// Error messages end up in logs; a redis:// URL may carry a password.
function maskPassword(text: string): string {
  return text.replace(/(\w+:\/\/[^:@/\s]*):[^@/\s]*@/g, '$1:***@');
}
