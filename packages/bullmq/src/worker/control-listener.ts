import { TaskRevokedError } from '@tasks/core';
import { tasksLogger, type AttemptAbort } from '@tasks/core/internal';
import { Redis as SingleRedis } from 'ioredis';
import { disconnectNow, type RedisClient as Redis } from '../connection/redis-client';
import { tasksKeys } from '../keys';
import { parseRevokeCommand } from '../message/control-message';

/** Past this many remembered revokes, lapsed ones are dropped. */
const PRUNE_ABOVE = 10_000;

/**
 * A worker's view of revokes, kept in memory so that no task costs a Redis round
 * trip to check (as Celery workers keep revoked ids): loaded from the
 * `<prefix>::revoked` set on (re)connect, then kept up to date from the control
 * channel, on which revokes with `terminate` also abort the attempt running here.
 */
export class ControlListener {
  /** Aborts of the attempts running here, by task id. */
  private readonly running = new Map<string, AttemptAbort>();
  /** Revoked task ids, with when each revoke lapses. */
  private readonly revoked = new Map<string, number>();
  /** Whether the memory holds every revoke: subscribed, and loaded since. */
  private synced = false;

  constructor(
    private readonly subscriber: Redis,
    private readonly commands: Redis,
    private readonly prefix: string,
  ) {
    subscriber.on('message', (_channel: string, message: string) => this.onMessage(message));
    // While the subscriber is away, announcements may be missed: ask Redis until it is back.
    subscriber.on('close', () => (this.synced = false));
    // A failed resubscribe leaves `synced` false, so revokes are asked of Redis until the next one works.
    // (ioredis' own resubscribe is off: closing the client just after a reconnect would leave its
    // promise rejected with nobody to handle it, and that ends a Node process.)
    if (subscriber instanceof SingleRedis) subscriber.options.autoResubscribe = false;
    subscriber.on('ready', () => void this.listen().catch((error: Error) => tasksLogger().warn(`Revoke listener: could not resubscribe (${error.message}); checking revokes in Redis meanwhile.`)));
  }

  /**
   * Subscribes (again), then loads the revokes already recorded, so that none falls
   * in between; from then on the memory is up to date.
   */
  async listen(): Promise<void> {
    await this.subscriber.subscribe(tasksKeys.control(this.prefix));
    await this.load();
    this.synced = this.subscriber.status === 'ready';
  }

  /**
   * Whether a task is revoked: from memory, or from Redis while the subscriber
   * reconnects. The answer is a boolean when memory has it, a promise only when
   * Redis must be asked, so the usual check costs no promise.
   */
  isRevoked(taskId: string): boolean | Promise<boolean> {
    if (!this.synced) return this.commands.zscore(tasksKeys.revoked(this.prefix), taskId).then((score) => score !== null);
    const until = this.revoked.get(taskId);
    return until !== undefined && until > Date.now();
  }

  /** Registers an attempt that starts now; call the returned function when it ends. */
  track(taskId: string, abort: AttemptAbort): () => void {
    this.running.set(taskId, abort);
    return () => {
      if (this.running.get(taskId) === abort) this.running.delete(taskId);
    };
  }

  /** Task ids revoked and not lapsed, as this worker holds them. */
  revokedIds(): string[] {
    const now = Date.now();
    return [...this.revoked].flatMap(([id, until]) => (until > now ? [id] : []));
  }

  /** How many attempts run here. */
  get size(): number {
    return this.running.size;
  }

  close(): void {
    disconnectNow(this.subscriber);
  }

  private async load(): Promise<void> {
    const entries = await this.commands.zrangebyscore(tasksKeys.revoked(this.prefix), Date.now(), '+inf', 'WITHSCORES');
    for (let i = 0; i < entries.length; i += 2) this.remember(entries[i]!, Number(entries[i + 1]));
  }

  private onMessage(message: string): void {
    const command = parseRevokeCommand(message);
    if (!command) return;
    this.remember(command.revoke, command.until);
    if (command.terminate) this.running.get(command.revoke)?.abort(new TaskRevokedError(command.revoke, command.reason));
  }

  private remember(taskId: string, until: number): void {
    this.revoked.set(taskId, until);
    if (this.revoked.size <= PRUNE_ABOVE) return;
    const now = Date.now();
    for (const [id, lapses] of this.revoked) if (lapses <= now) this.revoked.delete(id);
  }
}
