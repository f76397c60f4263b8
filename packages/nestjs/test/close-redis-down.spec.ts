import { TaskClient, TasksControl, TasksModule } from '@tasks/nestjs';
import { randomUUID } from 'node:crypto';
import { ChargeTasks, ChargeWatch } from './fixtures/charge-watch';
import { OwnRedis } from './support/own-redis';
import { startApp } from './support/start-app';

/** What the app may wait for Redis when it starts; closing with Redis down must not wait that long per part. */
const CONNECT_TIMEOUT_MS = 3000;
/** Closing waits for nothing in Redis when Redis is gone; this leaves room for a loaded machine. */
const CLOSE_WITHIN_MS = 1000;

// Stops Redis, so it runs on a redis-server of its own, never on the shared one.
describe('closing an app while Redis is down', () => {
  let redis: OwnRedis | undefined;
  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });

  it('with a cluster receiver and an open event reader, closes at once instead of waiting on Redis for each', async () => {
    redis = await OwnRedis.start();
    const app = await startApp({
      imports: [TasksModule.forRoot({ connection: redis.url, prefix: `close-down-${randomUUID().slice(0, 8)}`, connectTimeoutMs: CONNECT_TIMEOUT_MS })],
      providers: [ChargeTasks, ChargeWatch],
    });
    const events = await app.get(TasksControl).events();
    try {
      expect(await (await app.get(TaskClient).delay('cluster.charge', 2)).get({ timeoutMs: 5000 })).toBe(200);
      await app.get(ChargeWatch).until(1);
      await redis.stop();

      const started = Date.now();
      // Each used to wait on Redis: the reader for ever (its read was neither sent nor failed),
      // its listener entry's removal and the cluster node's QUIT for their retries, and the
      // worker for the removal of its entry in the workers' list.
      await events.close();
      await app.close();
      expect(Date.now() - started).toBeLessThan(CLOSE_WITHIN_MS);
    } finally {
      await events.close();
      await app.close();
    }
  });
});
