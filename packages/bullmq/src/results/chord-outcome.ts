import { ChordError, TaskState } from '@tasks/core';
import type { RedisClient as Redis } from '../connection/redis-client';
import { jobOutcome, readJobRecord, type JobOutcome } from './job-outcome';

/** How deep a failure is followed through chains inside a chord header. */
const MAX_DEPTH = 32;

/**
 * BullMQ fails a flow parent whose child failed for good with the reason
 * `child <prefix>:<queue>:<id> failed`, without running it. For a chord callback that
 * becomes a `ChordError` naming the member and its error (followed down through a
 * chain that is a member, to the task that really failed).
 */
export async function chordOutcome(redis: Redis, prefixOf: (queue: string) => string, outcome: JobOutcome): Promise<JobOutcome> {
  let current = outcome;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (current.state !== TaskState.FAILURE) break;
    const child = childOf(prefixOf, current.error.message);
    if (!child) break;
    const record = await readJobRecord(redis, child.key, child.id);
    if (!record) return { state: TaskState.FAILURE, error: new ChordError(child.id, current.error) };
    const childOutcome = jobOutcome(record, 'failed');
    if (childOutcome.state === TaskState.SUCCESS || !('error' in childOutcome)) break;
    if (!childOf(prefixOf, childOutcome.error.message)) return { state: TaskState.FAILURE, error: new ChordError(child.id, childOutcome.error) };
    current = childOutcome;
  }
  return current;
}

/** The child job a parent's failure reason names, when it is a job of ours (`<its queue's prefix>:<queue>:<id>`). */
function childOf(prefixOf: (queue: string) => string, reason: string): { key: string; id: string } | undefined {
  const match = /^child ((.+):([^:]+):([^:]+)) failed$/.exec(reason);
  if (!match || match[2] !== prefixOf(match[3]!)) return undefined;
  return { key: match[1]!, id: match[4]! };
}
