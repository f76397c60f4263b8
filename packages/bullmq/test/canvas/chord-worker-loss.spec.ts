import { Redis } from 'ioredis';
import { BullmqExecutor } from '../../src';
import { runsKey } from '../fixtures/control-tasks';
import { WorkerProcesses } from '../control/support/worker-processes';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../support/redis';

const MEMBERS = 16;

describe('a chord whose worker is killed while its members run', () => {
  const processes = new WorkerProcesses();
  const redis = new Redis(REDIS_URL);
  let prefix: string;
  let executor: BullmqExecutor;

  beforeEach(async () => {
    prefix = uniquePrefix('chord-loss');
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
  });
  afterEach(async () => {
    await processes.killAll();
    await executor.close();
    await deleteKeys(prefix);
  });
  afterAll(() => redis.disconnect());

  it('SIGKILL of one of two worker processes: the callback still runs exactly once, after every member', async () => {
    const a = processes.spawn({ prefix, name: 'A' });
    const b = processes.spawn({ prefix, name: 'B' });
    await Promise.all([a.waitForSignal('worker_ready'), b.waitForSignal('worker_ready')]);

    const { canvas } = executor;
    const header = Array.from({ length: MEMBERS }, () => canvas.signature('control.work', [800]));
    const result = await canvas.chord(header, canvas.signature('control.collect')).delay();
    await a.waitFor(() => a.active().length > 0, 'a chord member running');
    const killedWhileRunning = a.active();
    a.kill('SIGKILL');
    expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // Every member's result reached the callback, and B finished what A was running.
    await expect(result.get({ timeoutMs: 25_000 })).resolves.toEqual({ members: MEMBERS, workers: expect.arrayContaining(['B']) });
    const runs = await redis.hgetall(runsKey(prefix));
    expect(Number(runs[result.id])).toBe(1);
    expect(killedWhileRunning.length).toBeGreaterThan(0);
    for (const id of killedWhileRunning) expect(Number(runs[id])).toBeGreaterThanOrEqual(2);
    expect(b.started()).toContain(result.id);
    // The callback started only after the last member finished.
    const finished = [...a.finished(), ...b.finished()].filter((id) => id !== result.id);
    expect(new Set(finished).size).toBe(MEMBERS);
    const callbackAt = b.messages.findIndex((m) => m.kind === 'started' && m.taskId === result.id);
    const lastMemberAt = Math.max(...b.messages.map((m, i) => (m.kind === 'finished' && m.taskId !== result.id ? i : -1)));
    expect(callbackAt).toBeGreaterThan(lastMemberAt);
  });
});
