import { TaskContext } from '../../src/context/task-context';
import { TaskRevokedError } from '../../src/errors';
import { beforeTaskPublish, taskFailure, taskPostrun, taskRetry, taskRevoked } from '../../src/signals/builtins';
import { AttemptAbort } from '../../src/tracer/attempt-abort';
import { traceAttempt } from '../../src/tracer/trace-attempt';
import type { TaskRequest } from '../../src/tasks/task-message';
import { captureLogger } from '../signals/capture-logger';
import { useEagerFixtures } from '../support/eager-fixture';
import { rejectionOf } from '../support/rejection';
import { PUBLISH, RETRY_ATTEMPT, SUCCESS_ATTEMPT } from '../support/trace-recorder';

// Celery-fidelity points: a terminated attempt still ends with task_postrun, retries
// re-publish, errors are recorded by class, hook failures name hook and task apart.
describe('lifecycle fidelity (eager and tracer)', () => {
  const fixture = useEagerFixtures();
  const offs: (() => boolean)[] = [];
  afterEach(() => offs.splice(0).forEach((off) => off()));

  const requestFor = (name: string, id: string): TaskRequest => ({ id, name, args: [], headers: {}, queue: 'default', retries: 0, publishedAt: Date.now() });

  it('a terminated attempt fires task_revoked then task_postrun(REVOKED), and no failure signals or hooks', async () => {
    const f = fixture(() => new Promise((_, reject) => TaskContext.current().abortSignal.addEventListener('abort', () => reject(new Error('stopped')))));
    const revoked: object[] = [];
    offs.push(taskRevoked.connect((event) => void revoked.push(event), { sender: f.name }));
    const abort = new AttemptAbort();

    const outcome = traceAttempt(f.task, requestFor(f.name, 't1'), { abort, timeLimitGraceMs: 50 });
    await Promise.resolve();
    abort.abort(new TaskRevokedError('t1', 'user cancelled'));

    expect(await outcome).toMatchObject({ state: 'REVOKED', error: { reason: 'user cancelled' } });
    expect(f.steps).toEqual(['task_prerun', 'beforeStart', 'body', 'task_revoked', 'task_postrun(REVOKED)']);
    expect(revoked).toEqual([{ signal: 'task_revoked', sender: f.name, taskId: 't1', terminated: true, expired: false, reason: 'user cancelled' }]);
    expect(f.recorder.eventsOf('task_postrun')[0]).toMatchObject({ state: 'REVOKED', retval: expect.any(TaskRevokedError) });
  });

  it('every retry fires before_task_publish and after_task_publish in order, and headers a receiver sets reach the next attempt', async () => {
    const seen: unknown[] = [];
    const f = fixture(
      () => {
        const context = TaskContext.current();
        seen.push(context.headers.hop ?? null);
        if (context.retries < 2) context.retry({ delayMs: 7 });
        return 'done';
      },
      { maxRetries: 2 },
    );
    const publishes: { delayMs: unknown; queue: unknown; taskId: string }[] = [];
    offs.push(
      beforeTaskPublish.connect(
        (event) => {
          publishes.push({ delayMs: event.options.delayMs, queue: event.options.queue, taskId: event.taskId });
          event.headers.hop = Number(event.headers.hop ?? 0) + 1;
        },
        { sender: f.name },
      ),
    );

    const result = await f.executor.delay(f.name);

    expect(await result.get()).toBe('done');
    expect(f.steps).toEqual([...PUBLISH, ...RETRY_ATTEMPT, ...RETRY_ATTEMPT, ...SUCCESS_ATTEMPT]);
    // The first publish is the call's own (delayMs unset); then one per retry.
    expect(publishes).toEqual([
      { delayMs: undefined, queue: undefined, taskId: result.id },
      { delayMs: 7, queue: 'default', taskId: result.id },
      { delayMs: 7, queue: 'default', taskId: result.id },
    ]);
    expect(seen).toEqual([1, 2, 3]);
  });

  describe('an Error subclass that does not set name is recorded under its class name', () => {
    class CardDeclined extends Error {}

    it('in task_retry, task_failure and get()', async () => {
      const f = fixture(
        () => {
          throw new CardDeclined('card declined');
        },
        { maxRetries: 1, autoretryFor: [CardDeclined] },
      );
      const names: string[] = [];
      offs.push(taskRetry.connect((event) => void names.push(`retry:${event.error.name}`), { sender: f.name }));
      offs.push(taskFailure.connect((event) => void names.push(`failure:${event.error.name}`), { sender: f.name }));

      const result = await f.executor.delay(f.name);

      expect(names).toEqual(['retry:CardDeclined', 'failure:CardDeclined']);
      expect(await rejectionOf(result.get())).toMatchObject({ name: 'CardDeclined', message: 'card declined' });
    });

    it('the cause given to retry() too', async () => {
      const f = fixture(() => TaskContext.current().retry({ error: new CardDeclined('again') }), { maxRetries: 1 });
      const names: string[] = [];
      offs.push(taskRetry.connect((event) => void names.push(event.error.name), { sender: f.name }));
      offs.push(taskPostrun.connect((event) => void names.push((event.retval as Error).name), { sender: f.name }));

      await f.executor.delay(f.name);

      expect(names).toEqual(['CardDeclined', 'CardDeclined', 'CardDeclined']);
    });
  });

  it('a failing hook is logged naming the hook and the task apart', async () => {
    class BillingTasks {
      onSuccess(): void {
        throw new Error('ledger offline');
      }
    }
    const f = fixture(() => 'ok', {}, () => new BillingTasks());
    const logged = captureLogger();
    try {
      await f.executor.delay(f.name);
    } finally {
      logged.restore();
    }
    expect(logged.errors.map((e) => e.message)).toEqual([expect.stringMatching(new RegExp(`^hook BillingTasks\\.onSuccess of task ${f.name.replace(/\./g, '\\.')} failed: ledger offline`))]);
  });
});
