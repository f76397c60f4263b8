/** What a revoke publishes on the control channel (after recording it in Redis). */
export interface RevokeCommand {
  revoke: string;
  /** Epoch ms until which the revoke holds. */
  until: number;
  /** Abort the attempt if it is running. */
  terminate: boolean;
  reason: string;
}

/** Reads a control message; `undefined` for anything that is not a revoke. */
export function parseRevokeCommand(message: string): RevokeCommand | undefined {
  try {
    const command = JSON.parse(message) as Partial<Record<keyof RevokeCommand, unknown>>;
    if (typeof command.revoke !== 'string' || typeof command.until !== 'number') return undefined;
    return {
      revoke: command.revoke,
      until: command.until,
      terminate: command.terminate === true,
      reason: typeof command.reason === 'string' ? command.reason : 'revoked',
    };
  } catch {
    return undefined;
  }
}
