import { taskFailure, TaskState, WorkerLostError, type AsyncResult, type CanvasResult } from '@tasks/core';
import { TaskWorker } from '../../src';
import { REDIS_URL } from '../support/redis';
import { controlTasks, runsKey, type WorkDone } from '../fixtures/control-tasks';
import { SignalCapture } from './support/signal-capture';
import { useProcessTestBed } from './support/process-test-bed';
import type { WorkerProcess } from './support/worker-processes';

const TASKS = 200;
/** Each task works 50 to 200 ms. */
const workMs = (i: number) => 50 + ((i * 37) % 151);

describe('worker loss: a worker killed mid-task', () => {
  const bed = useProcessTestBed('loss');

  async function runs(): Promise<Map<string, number>> {
    const counts = await bed.redis.hgetall(runsKey(bed.prefix));
    return new Map(Object.entries(counts).map(([id, count]) => [id, Number(count)]));
  }

  it('SIGKILL of one of two worker processes under load loses no task: the other runs its tasks again', async () => {
    const a = bed.processes.spawn({ prefix: bed.prefix, name: 'A' });
    const b = bed.processes.spawn({ prefix: bed.prefix, name: 'B' });
    await Promise.all([a.waitForSignal('worker_ready'), b.waitForSignal('worker_ready')]);

    const results = await Promise.all(Array.from({ length: TASKS }, (_, i) => bed.executor.delay('control.work', workMs(i))));
    await a.waitFor(() => a.started().length >= 10 && a.active().length > 0, 'ten started tasks, some still running');
    const activeAtKill = a.active();
    a.kill('SIGKILL');
    expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const done = (await Promise.all(results.map((result) => result.get({ timeoutMs: 25_000 })))) as WorkDone[];
    const states = await Promise.all(results.map((result) => result.state()));
    expect(states.filter((state) => state === TaskState.SUCCESS)).toHaveLength(TASKS);

    const counts = await runs();
    const ranTwice = [...counts.values()].filter((count) => count > 1).length;
    const recovered = results.filter((result, i) => a.started().includes(result.id) && done[i]!.worker === 'B');
    // The tasks A was running when it died were finished by B.
    expect(activeAtKill.length).toBeGreaterThan(0);
    expect(recovered.length).toBeGreaterThanOrEqual(1);
    expect(ranTwice).toBeGreaterThanOrEqual(1);
    expect(counts.size).toBe(TASKS);
  }, 40_000);

  it('a task whose worker dies more often than maxStalledCount fails with WorkerLostError, and task_failure fires', async () => {
    const settings = { prefix: bed.prefix, lockDurationMs: 1000, stalledIntervalMs: 500 };
    const a = bed.processes.spawn({ ...settings, name: 'A' });
    const b = bed.processes.spawn({ ...settings, name: 'B' });
    await Promise.all([a.waitForSignal('worker_ready'), b.waitForSignal('worker_ready')]);
    const result = await bed.executor.delay('control.hang');

    const startedIn = (worker: WorkerProcess) => worker.waitFor((m) => m.kind === 'started' && m.taskId === result.id, `task ${result.id} started`).then(() => worker);
    const first = await Promise.race([startedIn(a), startedIn(b)]);
    first.kill('SIGKILL');
    // Stalled once (maxStalledCount is 1): the surviving worker runs it again.
    const second = first === a ? b : a;
    await startedIn(second);
    second.kill('SIGKILL');

    // A third worker finds it stalled a second time and fails it.
    const failures = new SignalCapture(taskFailure, 'control.hang');
    const worker = new TaskWorker({ ...settings, connection: REDIS_URL, registry: controlTasks(bed.redis, bed.prefix, 'C'), name: 'C' });
    try {
      await worker.start();
      const failure = await failures.next();
      expect(failure).toMatchObject({ taskId: result.id, args: [] });
      expect(failure.error).toBeInstanceOf(WorkerLostError);
      await expectLost(result);
      expect((await runs()).get(result.id)).toBe(2);
      expect(failures.events).toHaveLength(1);
    } finally {
      failures.dispose();
      await worker.close();
    }
  }, 30_000);
  it('a chain step lost that way stops its chain: the next step never runs and reads WorkerLostError', async () => {
    const settings = { prefix: bed.prefix, lockDurationMs: 1000, stalledIntervalMs: 500 };
    const a = bed.processes.spawn({ ...settings, name: 'A' });
    const b = bed.processes.spawn({ ...settings, name: 'B' });
    await Promise.all([a.waitForSignal('worker_ready'), b.waitForSignal('worker_ready')]);
    const { canvas } = bed.executor;
    const last = await canvas.chain(canvas.signature('control.hang'), canvas.signature('control.work', [1])).delay();
    const hang = (last as CanvasResult).parent as AsyncResult;

    const startedIn = (worker: WorkerProcess) => worker.waitFor((m) => m.kind === 'started' && m.taskId === hang.id, `task ${hang.id} started`).then(() => worker);
    const first = await Promise.race([startedIn(a), startedIn(b)]);
    first.kill('SIGKILL');
    const second = first === a ? b : a;
    await startedIn(second);
    second.kill('SIGKILL');

    const worker = new TaskWorker({ ...settings, connection: REDIS_URL, registry: controlTasks(bed.redis, bed.prefix, 'C'), name: 'C' });
    try {
      await worker.start();
      await expectLost(hang);
      await expectLost(last);
      expect((await runs()).has(last.id)).toBe(false);
    } finally {
      await worker.close();
    }
  }, 30_000);
});

async function expectLost(result: AsyncResult): Promise<void> {
  await expect(result.get({ timeoutMs: 5000 })).rejects.toMatchObject({ name: 'WorkerLostError' });
  expect(await result.state()).toBe(TaskState.FAILURE);
}
