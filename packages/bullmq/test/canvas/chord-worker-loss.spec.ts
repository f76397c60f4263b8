import { runsKey } from '../fixtures/control-tasks';
import { useProcessTestBed } from '../control/support/process-test-bed';

const MEMBERS = 16;

describe('a chord whose worker is killed while its members run', () => {
  const bed = useProcessTestBed('chord-loss');

  it('SIGKILL of one of two worker processes: the callback still runs exactly once, after every member', async () => {
    const a = bed.processes.spawn({ prefix: bed.prefix, name: 'A' });
    const b = bed.processes.spawn({ prefix: bed.prefix, name: 'B' });
    await Promise.all([a.waitForSignal('worker_ready'), b.waitForSignal('worker_ready')]);

    const { canvas } = bed.executor;
    const header = Array.from({ length: MEMBERS }, () => canvas.signature('control.work', [800]));
    const result = await canvas.chord(header, canvas.signature('control.collect')).delay();
    await a.waitFor(() => a.active().length > 0, 'a chord member running');
    const killedWhileRunning = a.active();
    a.kill('SIGKILL');
    expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // Every member's result reached the callback, and B finished what A was running.
    await expect(result.get({ timeoutMs: 25_000 })).resolves.toEqual({ members: MEMBERS, workers: expect.arrayContaining(['B']) });
    const runs = await bed.redis.hgetall(runsKey(bed.prefix));
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
