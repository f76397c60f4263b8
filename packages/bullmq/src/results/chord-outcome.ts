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
export async function chordOutcome(redis: Redis, prefix: string, outcome: JobOutcome): Promise<JobOutcome> {
  let current = outcome;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (current.state !== TaskState.FAILURE) break;
    const child = childOf(prefix, current.error.message);
    if (!child) break;
    const record = await readJobRecord(redis, child.key, child.id);
    if (!record) return { state: TaskState.FAILURE, error: new ChordError(child.id, current.error) };
    const childOutcome = jobOutcome(record, 'failed');
    if (childOutcome.state === TaskState.SUCCESS || !('error' in childOutcome)) break;
    if (!childOf(prefix, childOutcome.error.message)) return { state: TaskState.FAILURE, error: new ChordError(child.id, childOutcome.error) };
    current = childOutcome;
  }
  return current;
}

function childOf(prefix: string, reason: string): { key: string; id: string } | undefined {
  const match = /^child (.+) failed$/.exec(reason);
  if (!match || !match[1]!.startsWith(`${prefix}:`)) return undefined;
  const key = match[1]!;
  return { key, id: key.slice(key.lastIndexOf(':') + 1) };
}
