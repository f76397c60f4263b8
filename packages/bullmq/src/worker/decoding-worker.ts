import { Worker, type Job, type JobJson, type Processor, type WorkerOptions } from 'bullmq';
import { disconnectNow, type RedisClient as Redis } from '../connection/redis-client';
import { OVERSIZED, UNDECODABLE } from '../message/protocol';
import type { OutcomeWrites } from './outcome-writes';

/** Errors by which a processor tells BullMQ to leave the job where it put it: no outcome to write. */
const NOT_AN_OUTCOME = new Set(['DelayedError', 'WaitingError', 'WaitingChildrenError']);

/** How far into the active list to look for the job a failed fetch just moved there. */
const ACTIVE_SCAN = 100;

/**
 * A BullMQ `Worker` that turns a job whose stored data or options are not JSON
 * into a job the processor can reject (BullMQ itself throws while fetching such a
 * job, so it would stall and come back for ever instead of failing), and that
 * writes each finished attempt's outcome through {@link OutcomeWrites}, so that
 * an outcome is not dropped at the first connection error.
 */
export class DecodingWorker extends Worker {
  private takenAfterAdd = 0;
  /** Wakes the blocked fetch when the next delayed job falls due (see {@link getBlockTimeout}). */
  private wakeTimer: NodeJS.Timeout | undefined;

  constructor(
    queue: string,
    processor: Processor,
    options: WorkerOptions,
    /** A connection for the few commands of our own. */
    private readonly commands: Redis,
    /** Jobs whose stored data is larger are not decoded, but rejected. */
    private readonly maxPayloadBytes: number,
    private readonly outcomes: OutcomeWrites,
  ) {
    super(queue, processor, options);
  }

  /**
   * Changes the concurrency now. BullMQ reads it when it next looks for jobs, which,
   * with every slot busy, is only when a job ends: an empty entry in its loop's
   * queue makes it look at once.
   */
  resize(concurrency: number): void {
    this.concurrency = concurrency;
    this.loop()?.add(Promise.resolve(undefined));
  }

  /**
   * Takes one more job, without blocking, if a slot is free: called when this process has
   * just sent the add of a job to this queue on this worker's connection (a chain's next
   * step). The fetch goes out after the add on that connection, so Redis runs it after the
   * add and the job comes back one round trip after it was published; left to BullMQ, the
   * add would first wake the blocked fetch, which would then ask for the job (two). BullMQ
   * writes the add a few promise turns after `add()` returns: an immediate runs after them.
   * Finding nothing (another worker was quicker) costs one empty fetch.
   */
  takeAfterAdd(): void {
    setImmediate(() => {
      const loop = this.loop();
      if (!loop || this.closing || this.isPaused() || loop.numTotal() >= this.concurrency) return;
      // As BullMQ's own fetches, the loop gets a job or undefined, never a rejection.
      loop.add(this.getNextJob(`${this.id}:after-add-${this.takenAfterAdd++}`, { block: false }).catch(() => undefined));
    });
  }

  /**
   * Redis ends a blocked command's timeout on its own clock tick only (every 100 ms at
   * its default `hz 10`), so a worker that blocks until its next delayed job (a
   * countdown, a retry's backoff, a schedule's tick) would start that job up to 100 ms
   * late. When BullMQ blocks until a due time, this process wakes the fetch itself at
   * that time: it adds BullMQ's "a job is waiting" marker, which the blocked fetch pops
   * at once, and BullMQ then moves the due job to active. A wake that finds the fetch
   * already woken by something else costs one empty fetch.
   */
  protected override getBlockTimeout(blockUntil: number): number {
    const timeout = super.getBlockTimeout(blockUntil);
    clearTimeout(this.wakeTimer);
    if (blockUntil > 0 && timeout > 0 && timeout < this.maximumBlockTimeout) {
      this.wakeTimer = setTimeout(() => this.wake(), Math.max(0, blockUntil - Date.now()));
      this.wakeTimer.unref();
    }
    return timeout;
  }

  private wake(): void {
    this.wakeTimer = undefined;
    if (this.closing) return;
    this.commands.zadd(this.keys.marker, 0, '0').catch(() => undefined);
  }

  /**
   * Disconnects BullMQ's blocking connection at once, ending it if Redis is down (see
   * {@link disconnectNow}): BullMQ's close waits for it to end before it stops renewing locks.
   */
  async disconnectBlocking(): Promise<void> {
    const blocking = (this as unknown as { backend?: { blockingConnection?: { client: Promise<Redis> } } }).backend?.blockingConnection;
    if (blocking) disconnectNow(await blocking.client);
  }

  /** BullMQ's loop of fetched and running jobs, while it runs. (The one place that touches it.) */
  private loop(): { add(promise: Promise<Job | undefined>): void; numTotal(): number } | null | undefined {
    return (this as unknown as { mainLoopQueue?: { add(promise: Promise<Job | undefined>): void; numTotal(): number } | null }).mainLoopQueue;
  }

  protected override handleCompleted(result: unknown, job: Job, token: string, fetchNext?: () => boolean, span?: Parameters<Worker['handleCompleted']>[4]): Promise<Job> {
    return this.outcomes.write(() => super.handleCompleted(result, job, token, fetchNext, span));
  }

  protected override handleFailed(error: Error, job: Job, token: string, fetchNext?: () => boolean, span?: Parameters<Worker['handleFailed']>[4]): Promise<Job> {
    if (NOT_AN_OUTCOME.has(error.name)) return super.handleFailed(error, job, token, fetchNext, span);
    return this.outcomes.write(() => super.handleFailed(error, job, token, fetchNext, span));
  }

  protected override createJob(data: JobJson, jobId: string): Job {
    const raw: unknown = data.data;
    // UTF-8 takes at most 3 bytes per code unit: only long strings need counting.
    if (typeof raw === 'string' && raw.length * 3 > this.maxPayloadBytes) {
      const bytes = Buffer.byteLength(raw);
      if (bytes > this.maxPayloadBytes) return super.createJob({ ...data, data: JSON.stringify({ [OVERSIZED]: bytes }) }, jobId);
    }
    try {
      return super.createJob(data, jobId);
    } catch (error) {
      return super.createJob({ ...data, data: standIn(String(data.data), error) }, jobId);
    }
  }

  /**
   * Also refuses to take a job once closing began (see inside).
   *
   * BullMQ parses a job's options as it fetches it: options that are not JSON make
   * the fetch throw after the job became ours. Find it by our lock token, give it
   * empty options, and hand it on as undecodable.
   */
  protected override async moveToActive(token: string, name?: string): Promise<Job> {
    clearTimeout(this.wakeTimer);
    // A fetch that was blocked when closing began can still be woken by a task added just
    // after (Redis may serve it before it sees the blocking connection close): once closing,
    // take nothing, as BullMQ does with a fetch that had not started.
    if (this.closing) return undefined as unknown as Job;
    try {
      return await super.moveToActive(token, name);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      const client = this.commands;
      const ids = await client.lrange(this.toKey('active'), 0, ACTIVE_SCAN - 1);
      const locks = ids.length === 0 ? [] : await client.mget(...ids.map((id) => `${this.toKey(id)}:lock`));
      const jobId = ids.find((_, i) => locks[i] === token);
      if (jobId === undefined) throw error;
      const raw = await client.hget(this.toKey(jobId), 'data');
      await client.hset(this.toKey(jobId), 'opts', '{}');
      const job = await this.Job.fromId(this, jobId);
      if (!job) throw error;
      job.data = JSON.parse(standIn(String(raw), new Error(`job options are not JSON (${error.message})`)));
      job.token = token;
      return job;
    }
  }
}

function standIn(raw: string, error: unknown): string {
  return JSON.stringify({ [UNDECODABLE]: raw, reason: error instanceof Error ? error.message : String(error) });
}
