// `pnpm demo` runs this before it builds the sample, so that a missing Redis is
// reported in a second rather than after the build. The built demo checks again
// (src/redis-admin.ts) when it is run on its own.
import { Redis } from 'ioredis';
import process from 'node:process';
import { setTimeout } from 'node:timers/promises';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(url, { lazyConnect: true, connectTimeout: 0, maxRetriesPerRequest: 0, retryStrategy: () => null });
redis.on('error', () => undefined);

const reachable = await Promise.race([
  redis.connect().then(() => redis.ping()).then(() => true, () => false),
  setTimeout(2000, false, { ref: false }),
]);
if (redis.status !== 'end') redis.disconnect();
if (!reachable) {
  process.stderr.write(`Redis is not reachable at ${url} (REDIS_URL) — start one with: redis-server --daemonize yes --save "" --appendonly no, or set REDIS_URL to one that runs\n`);
  process.exitCode = 1;
}
