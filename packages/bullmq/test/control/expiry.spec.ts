import { TaskContext, TaskRegistry, TaskRevokedError, taskRevoked, TaskState, type TaskRevokedPayload } from '@tasks/core';
import { startHarness, type Harness } from '../support/harness';
import { SignalCapture } from './support/signal-capture';

describe('expiry', () => {
  const ran: string[] = [];
  let harness: Harness;
  let revoked: SignalCapture<TaskRevokedPayload>;

  beforeAll(async () => {
    const registry = new TaskRegistry();
    registry.register(() => (ran.push(TaskContext.current().id), 'ran'), { name: 'expiry.record' });
    harness = await startHarness(registry);
  });
  beforeEach(() => (revoked = new SignalCapture(taskRevoked, 'expiry.record')));
  afterEach(() => revoked.dispose());
  afterAll(() => harness.close());

  // The delay makes the worker take the task after it expired.
  const expiring = [
    { label: 'expiresMs', options: () => ({ delayMs: 300, expiresMs: 100 }) },
    { label: 'an expiry time', options: () => ({ eta: new Date(Date.now() + 300), expires: new Date(Date.now() + 100) }) },
  ];

  it.each(expiring)('a task picked up after its $label does not run: REVOKED, task_revoked with expired', async ({ options }) => {
    const result = await harness.executor.applyAsync('expiry.record', [], options());

    const error: unknown = await result.get({ timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskRevokedError);
    expect(error).toMatchObject({ reason: 'expired' });
    expect(await result.state()).toBe(TaskState.REVOKED);
    expect(revoked.events).toEqual([{ signal: 'task_revoked', sender: 'expiry.record', taskId: result.id, terminated: false, expired: true, reason: 'expired' }]);
    expect(ran).not.toContain(result.id);
  });

  it('a task picked up before it expires runs', async () => {
    const result = await harness.executor.applyAsync('expiry.record', [], { delayMs: 50, expiresMs: 10_000 });
    expect(await result.get({ timeoutMs: 5000 })).toBe('ran');
    expect(ran).toContain(result.id);
    expect(revoked.events).toEqual([]);
  });
});
