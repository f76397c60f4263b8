import { TaskRegistry, workerShuttingDown } from '@tasks/core';
import { BullmqExecutor, TaskWorker, TasksStatusProbe, type TasksStatus } from '../../src';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../support/redis';

describe('TasksStatusProbe', () => {
  const prefix = uniquePrefix('status');
  const registry = new TaskRegistry();
  registry.register(() => 'done', { name: 'status.job', queue: 'reports' });
  afterAll(() => deleteKeys(prefix));

  it("follows the worker's state and counts its queues", async () => {
    const worker = new TaskWorker({ connection: REDIS_URL, prefix, registry, name: 'status-worker', queues: ['reports'] });
    const probe = new TasksStatusProbe({ connection: REDIS_URL, prefix, worker });
    const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry });
    let whileDraining: TasksStatus | undefined;
    // Connected after the probe, so the probe has seen the signal when this runs.
    const off = workerShuttingDown.connect(async () => void (whileDraining = await probe.check()), { sender: 'status-worker' });
    try {
      const beforeStart = await probe.check();
      expect(beforeStart).toMatchObject({ ok: false, redis: { reachable: true }, worker: { name: 'status-worker', state: 'starting' } });
      expect(beforeStart.redis!.latencyMs).toBeGreaterThanOrEqual(0);

      await worker.start();
      await executor.applyAsync('status.job', [], { delayMs: 60_000 });
      await (await executor.delay('status.job')).get({ timeoutMs: 5000 });
      expect(await probe.check()).toEqual({
        ok: true,
        redis: { reachable: true, latencyMs: expect.any(Number) },
        worker: { name: 'status-worker', state: 'running' },
        queues: { reports: { waiting: 0, delayed: 1, active: 0, failed: 0 } },
      });

      await worker.close();
      expect(whileDraining).toMatchObject({ ok: false, worker: { state: 'draining' } });
      expect(await probe.check()).toMatchObject({ ok: false, redis: { reachable: true }, worker: { state: 'closed' } });
    } finally {
      off();
      await probe.close();
      await executor.close();
      await worker.close();
    }
  });

  it('says Redis is unreachable within the deadline, without throwing', async () => {
    const probe = new TasksStatusProbe({ connection: 'redis://127.0.0.1:1', prefix, queues: ['reports'] });
    try {
      const status = await probe.check({ timeoutMs: 300 });
      expect(status).toEqual({ ok: false, redis: { reachable: false, error: expect.any(String) }, worker: undefined, queues: {} });
    } finally {
      await probe.close();
    }
  });
});
