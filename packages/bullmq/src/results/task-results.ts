import { TaskRevokedError, TaskState } from '@tasks/core';
import type { JobState } from 'bullmq';
import type { RedisClient as Redis } from '../connection/redis-client';
import { tasksKeys } from '../keys';
import type { QueueSet } from '../queues/queue-set';
import { readStep, stepError } from '../canvas/step-records';
import { chordOutcome } from './chord-outcome';
import { jobOutcome, readJobRecord, type JobOutcome, type JobRecord } from './job-outcome';
import { ResultEvents, type JobCompleted } from './result-events';

/** A task found in Redis: its queue, its job (if still kept) and its state. */
export interface FoundTask {
  queue: string | undefined;
  job: JobRecord | undefined;
  outcome: JobOutcome;
}

/**
 * Reads tasks' states and results from Redis, and watches for their end: what
 * `AsyncResult` and revoke need, apart from publishing.
 */
export class TaskResults {
  private readonly events: ResultEvents;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly queues: QueueSet,
    openEventsConnection: (queue: string) => Redis,
  ) {
    this.events = new ResultEvents(queues.prefixOf, openEventsConnection);
  }

  /** Finds a task in `queue`, or in every queue it may be in. */
  async find(taskId: string, queue?: string): Promise<FoundTask> {
    // A canvas task's record knows its queue, and whether it will never run.
    const step = queue === undefined ? await readStep(this.redis, this.prefix, taskId) : undefined;
    for (const name of queue ? [queue] : step ? [step.queue] : this.queues.searchable()) {
      // State first: a job read before it finished would lack its result.
      const state = (await this.queues.get(name).getJobState(taskId)) as JobState | 'unknown';
      if (state === 'unknown') continue;
      const job = await readJobRecord(this.redis, this.queues.get(name).toKey(taskId), taskId);
      if (job) return { queue: name, job, outcome: await chordOutcome(this.redis, this.queues.prefixOf, jobOutcome(job, state)) };
    }
    // Not in a queue: a canvas task's record may say it will never run, else only a revoke leaves a
    // trace. Both asked at once (one round trip: a canvas result's first get() comes here).
    const [record, revokedUntil] = await Promise.all([step ?? readStep(this.redis, this.prefix, taskId), this.redis.zscore(tasksKeys.revoked(this.prefix), taskId)]);
    const failure = record?.failure;
    if (failure) {
      const error = stepError(failure);
      return { queue: step?.queue ?? queue, job: undefined, outcome: { state: error instanceof TaskRevokedError ? TaskState.REVOKED : TaskState.FAILURE, error } };
    }
    // A job that is no longer kept leaves no trace but the revoke: an id nobody knows is PENDING, as in Celery.
    if (revokedUntil === null) {
      return { queue, job: undefined, outcome: { state: TaskState.PENDING } };
    }
    return { queue, job: undefined, outcome: { state: TaskState.REVOKED, error: new TaskRevokedError(taskId, 'revoked') } };
  }

  /** Watches for the end of a task; see {@link ResultEvents.watch}. */
  async watch(taskId: string, queue: string | undefined, wake: (end?: JobCompleted) => void): Promise<() => void> {
    const known = queue ?? (await readStep(this.redis, this.prefix, taskId))?.queue;
    return this.events.watch(taskId, known ? [known] : this.queues.searchable(), wake);
  }

  /** Stops watching, waiting at most `timeoutMs` for Redis. */
  close(timeoutMs: number): Promise<void> {
    return this.events.close(timeoutMs);
  }
}
