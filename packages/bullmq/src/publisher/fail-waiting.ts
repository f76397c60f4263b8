import type { RedisClient as Redis } from '../connection/redis-client';
import { stackWithName } from '../message/error-record';

// KEYS: wait, paused, prioritized, delayed, failed, the job's hash, events stream.
// ARGV: job id, failed reason, stacktrace (JSON), now.
// Fails a job that no worker holds, as BullMQ would have (failed set, reason, stack,
// finishedOn, a `failed` event), so it stays visible; does nothing once a worker took it.
const FAIL_WAITING = `
local jobId = ARGV[1]
if redis.call('EXISTS', KEYS[6]) == 0 then return 0 end
local removed = redis.call('LREM', KEYS[1], 0, jobId) + redis.call('LREM', KEYS[2], 0, jobId)
  + redis.call('ZREM', KEYS[3], jobId) + redis.call('ZREM', KEYS[4], jobId)
if removed == 0 then return 0 end
redis.call('HSET', KEYS[6], 'failedReason', ARGV[2], 'stacktrace', ARGV[3], 'finishedOn', ARGV[4])
redis.call('ZADD', KEYS[5], ARGV[4], jobId)
redis.call('XADD', KEYS[7], 'MAXLEN', '~', 10000, '*', 'event', 'failed', 'jobId', jobId, 'failedReason', ARGV[2], 'prev', 'waiting')
return 1
`;

/**
 * Moves a waiting, delayed or prioritized job to BullMQ's failed set with `error`,
 * as a revoke does: the task stays visible (dashboards list it as failed, its
 * reason the revoke) instead of vanishing. Resolves whether it did; `false` when a
 * worker took the job first (that worker refuses it, since it sees the revoke).
 */
export async function failWaitingJob(redis: Redis, queueKey: (type: string) => string, jobId: string, error: Error): Promise<boolean> {
  const keys = ['wait', 'paused', 'prioritized', 'delayed', 'failed', jobId, 'events'].map(queueKey);
  const done = await redis.eval(FAIL_WAITING, keys.length, ...keys, jobId, error.message, JSON.stringify([stackWithName(error)]), Date.now());
  return Number(done) === 1;
}
