/** What `inspect()` can ask a worker. */
export type InspectWhat = 'active' | 'reserved' | 'scheduled' | 'registered' | 'stats' | 'revoked';

export const INSPECT_WHAT: readonly InspectWhat[] = ['active', 'reserved', 'scheduled', 'registered', 'stats', 'revoked'];

/** A request to the workers, published on `<prefix>::bus`. Workers can do only these. */
export type ControlCommand =
  | { command: 'ping' }
  | { command: 'inspect'; what: InspectWhat }
  | { command: 'setConcurrency'; concurrency: number }
  | { command: 'shutdown' };

/** A control request as it travels. */
export type ControlRequest = ControlCommand & {
  kind: 'control';
  /** Id of this request, repeated in the replies. */
  id: string;
  /** The node to reply to (its replies channel). */
  replyTo: string;
  /** Only this worker answers and acts; absent: every worker. */
  worker?: string;
};

/** A listener joined, left or changed what it wants: reload the listeners, then acknowledge. */
export interface InterestAnnouncement {
  kind: 'interest';
  id: string;
  replyTo: string;
}

/** What a worker answers: who it is, and the value or why it could not. */
export type WorkerAnswer = { worker: string; hostname: string; pid: number; /** Set by the receiving node: when the reply arrived. */ receivedAt?: number } & (
  | { ok: true; value: unknown }
  | { ok: false; error: string }
);

/** One node's reply to a request: an answer per worker it runs (none for a process without workers). */
export interface NodeReply {
  kind: 'reply';
  id: string;
  answers: WorkerAnswer[];
}

export type BusMessage = ControlRequest | InterestAnnouncement;

/**
 * Reads a message of the bus, checking every field, so that a malformed or
 * unknown message is refused (and logged by the caller) and never acted on.
 * @returns the message, or why it was refused.
 */
export function parseBusMessage(json: string): BusMessage | string {
  let message: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'not a JSON object';
    message = parsed as Record<string, unknown>;
  } catch {
    return 'not JSON';
  }
  const { kind, id, replyTo } = message;
  if (typeof id !== 'string' || id === '' || typeof replyTo !== 'string' || replyTo === '') return 'no id or replyTo';
  if (kind === 'interest') return { kind, id, replyTo };
  if (kind !== 'control') return `unknown kind ${JSON.stringify(kind)}`;
  const worker = message.worker;
  if (worker !== undefined && (typeof worker !== 'string' || worker === '')) return 'worker must be a non-empty string';
  const base = { kind, id, replyTo, ...(worker === undefined ? {} : { worker }) } as const;
  switch (message.command) {
    case 'ping':
    case 'shutdown':
      return { ...base, command: message.command };
    case 'inspect': {
      const what = message.what;
      if (!INSPECT_WHAT.includes(what as InspectWhat)) return `unknown inspect target ${JSON.stringify(what)}`;
      return { ...base, command: 'inspect', what: what as InspectWhat };
    }
    case 'setConcurrency': {
      const concurrency = message.concurrency;
      if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1) return 'concurrency must be an integer of 1 or more';
      return { ...base, command: 'setConcurrency', concurrency };
    }
    default:
      return `unknown command ${JSON.stringify(message.command)}`;
  }
}

/** Reads a reply; `undefined` when malformed. */
export function parseNodeReply(json: string): NodeReply | undefined {
  try {
    const reply = JSON.parse(json) as Partial<NodeReply>;
    if (reply.kind !== 'reply' || typeof reply.id !== 'string' || !Array.isArray(reply.answers)) return undefined;
    const answers = reply.answers.filter(
      (a): a is WorkerAnswer => typeof a === 'object' && a !== null && typeof a.worker === 'string' && typeof a.hostname === 'string' && typeof a.pid === 'number',
    );
    return { kind: 'reply', id: reply.id, answers };
  } catch {
    return undefined;
  }
}
