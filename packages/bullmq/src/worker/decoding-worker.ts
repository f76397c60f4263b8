import { Worker, type Job, type JobJson } from 'bullmq';
import { UNDECODABLE } from '../message/protocol';

/**
 * A BullMQ `Worker` that turns a job whose stored data is not JSON into a job the
 * processor can reject. BullMQ itself throws while fetching such a job, so it
 * would stall and come back for ever instead of failing.
 */
export class DecodingWorker extends Worker {
  /**
   * Changes the concurrency now. BullMQ reads it when it next looks for jobs, which,
   * with every slot busy, is only when a job ends: an empty entry in its loop's
   * queue makes it look at once. (The one place that touches BullMQ's loop.)
   */
  resize(concurrency: number): void {
    this.concurrency = concurrency;
    const loop = (this as unknown as { mainLoopQueue?: { add(promise: Promise<undefined>): void } | null }).mainLoopQueue;
    loop?.add(Promise.resolve(undefined));
  }

  protected override createJob(data: JobJson, jobId: string): Job {
    try {
      return super.createJob(data, jobId);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return super.createJob({ ...data, data: JSON.stringify({ [UNDECODABLE]: String(data.data), reason }) }, jobId);
    }
  }
}
