import { TaskRevokedError } from '@tasks/core';
import type { Redis } from 'ioredis';
import { tasksKeys } from '../keys';

/** What `revoke(id, { terminate: true })` publishes on the control channel. */
export interface TerminateCommand {
  terminate: string;
  reason: string;
}

/**
 * Listens on the control channel for revokes with `terminate`, and aborts the
 * attempt of that task if it runs here (its `TaskContext.abortSignal` fires
 * with a `TaskRevokedError`). The subscriber resubscribes by itself after a reconnect.
 */
export class TerminateListener {
  /** Aborts of the attempts running here, by task id. */
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, message: string) => this.onMessage(message));
  }

  async listen(): Promise<void> {
    await this.subscriber.subscribe(tasksKeys.control(this.prefix));
  }

  /** Registers an attempt that starts now; call the returned function when it ends. */
  track(taskId: string, abort: AbortController): () => void {
    this.running.set(taskId, abort);
    return () => {
      if (this.running.get(taskId) === abort) this.running.delete(taskId);
    };
  }

  /** How many attempts run here. */
  get size(): number {
    return this.running.size;
  }

  close(): void {
    this.subscriber.disconnect();
  }

  private onMessage(message: string): void {
    const command = parse(message);
    if (command) this.running.get(command.terminate)?.abort(new TaskRevokedError(command.terminate, command.reason));
  }
}

function parse(message: string): TerminateCommand | undefined {
  try {
    const command = JSON.parse(message) as Partial<Record<keyof TerminateCommand, unknown>>;
    if (typeof command.terminate !== 'string') return undefined;
    return { terminate: command.terminate, reason: typeof command.reason === 'string' ? command.reason : 'terminated' };
  } catch {
    return undefined;
  }
}
