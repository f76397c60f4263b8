import { Worker, type Job, type JobJson } from 'bullmq';
import { UNDECODABLE } from '../message/protocol';

/**
 * A BullMQ `Worker` that turns a job whose stored data is not JSON into a job the
 * processor can reject. BullMQ itself throws while fetching such a job, so it
 * would stall and come back for ever instead of failing.
 */
export class DecodingWorker extends Worker {
  protected override createJob(data: JobJson, jobId: string): Job {
    try {
      return super.createJob(data, jobId);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return super.createJob({ ...data, data: JSON.stringify({ [UNDECODABLE]: String(data.data), reason }) }, jobId);
    }
  }
}
