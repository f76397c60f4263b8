import { TasksError } from './tasks.error';

/** Redis could not be reached within the connect timeout, so bootstrap stops instead of hanging. */
export class RedisConnectionError extends TasksError {
  /** Where we tried to connect, with any password masked. */
  readonly target: string;
  /** How long we waited. */
  readonly timeoutMs: number;

  constructor(target: string, timeoutMs: number, options?: { cause?: unknown }) {
    const masked = maskPassword(target);
    super(
      `Could not connect to Redis at ${masked} within ${timeoutMs}ms. Start Redis or fix the ` +
        `\`connection\` option; if Redis is only slow to answer, raise \`connectTimeoutMs\`.`,
      options,
    );
    this.target = masked;
    this.timeoutMs = timeoutMs;
  }
}

// Error messages end up in logs; a redis:// URL may carry a password.
function maskPassword(target: string): string {
  return target.replace(/^(\w+:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}
