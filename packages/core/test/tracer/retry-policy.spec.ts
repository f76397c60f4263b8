import { TaskContext } from '../../src/context/task-context';
import { traceAttempt } from '../../src/tracer/trace-attempt';
import { MaxRetriesExceededError, RetryError } from '../../src/errors';
import { useEagerFixtures } from '../support/eager-fixture';
import { rejectionOf } from '../support/rejection';
import { SmtpError, SmtpTimeoutError, UnrecoverableError } from '../support/test-errors';
import { FAILURE_ATTEMPT, PUBLISH, RETRY_ATTEMPT, SUCCESS_ATTEMPT } from '../support/trace-recorder';

describe('retry policy of the tracer', () => {
  const fixture = useEagerFixtures();

  describe('TaskContext.retry()', () => {
    it('reports its delayMs and error in task_retry, then fails with that error once retries run out', async () => {
      const cause = new SmtpError('mailbox busy');
      const f = fixture(() => TaskContext.current().retry({ delayMs: 5, error: cause }), { maxRetries: 1 });

      const result = await f.executor.delay(f.name);

      expect(f.steps).toEqual([...PUBLISH, ...RETRY_ATTEMPT, ...FAILURE_ATTEMPT]);
      const [retry] = f.recorder.eventsOf('task_retry');
      expect(retry).toMatchObject({ attempt: 1, delayMs: 5 });
      expect(retry?.error).toBe(cause);
      const [failure] = f.recorder.eventsOf('task_failure');
      expect(failure).toMatchObject({ attempts: 2 });
      expect(failure?.error).toBe(cause);
      expect(await rejectionOf(result.get())).toMatchObject({ name: 'SmtpError', message: 'mailbox busy' });
    });

    it('without an error, retries with a RetryError and fails with MaxRetriesExceededError', async () => {
      const f = fixture(() => TaskContext.current().retry({ delayMs: 5 }), { maxRetries: 1 });

      const result = await f.executor.delay(f.name);

      expect(f.steps).toEqual([...PUBLISH, ...RETRY_ATTEMPT, ...FAILURE_ATTEMPT]);
      expect(f.recorder.eventsOf('task_retry')[0]?.error).toBeInstanceOf(RetryError);
      const failure = f.recorder.eventsOf('task_failure')[0];
      expect(failure?.error).toBeInstanceOf(MaxRetriesExceededError);
      expect(failure?.error).toMatchObject({ taskName: f.name, taskId: result.id, maxRetries: 1 });
      expect(await rejectionOf(result.get())).toMatchObject({ name: 'MaxRetriesExceededError' });
    });

    it('retries without autoretryFor, and a later attempt may succeed', async () => {
      const f = fixture(() => {
        const context = TaskContext.current();
        return context.retries < 2 ? context.retry({ delayMs: 0 }) : `done after ${context.retries}`;
      }, { maxRetries: 2 });

      const result = await f.executor.delay(f.name);

      expect(await result.get()).toBe('done after 2');
      expect(f.steps).toEqual([...PUBLISH, ...RETRY_ATTEMPT, ...RETRY_ATTEMPT, ...SUCCESS_ATTEMPT]);
    });

    it('without delayMs, waits as the task retryBackoff says', async () => {
      const f = fixture(() => TaskContext.current().retry(), {
        maxRetries: 3,
        retryBackoff: { type: 'exponential', delayMs: 10 },
      });

      await f.executor.delay(f.name);

      expect(f.recorder.eventsOf('task_retry').map((e) => e.delayMs)).toEqual([10, 20, 40]);
    });

    it('with maxRetries 0, fails at once with MaxRetriesExceededError', async () => {
      const f = fixture(() => TaskContext.current().retry({ delayMs: 5 }));

      const result = await f.executor.delay(f.name);

      expect(f.steps).toEqual([...PUBLISH, ...FAILURE_ATTEMPT]);
      expect(await rejectionOf(result.get())).toMatchObject({ name: 'MaxRetriesExceededError' });
    });
  });

  describe('autoretryFor', () => {
    it('[Error] retries any error', async () => {
      const f = fixture(
        () => {
          throw new TypeError('not a function');
        },
        { maxRetries: 1, autoretryFor: [Error] },
      );

      const result = await f.executor.delay(f.name);

      expect(f.steps).toEqual([...PUBLISH, ...RETRY_ATTEMPT, ...FAILURE_ATTEMPT]);
      expect(await rejectionOf(result.get())).toMatchObject({ name: 'TypeError', message: 'not a function' });
    });

    it('matches subclasses of a listed error', async () => {
      const f = fixture(
        () => {
          throw new SmtpTimeoutError('timed out');
        },
        { maxRetries: 1, autoretryFor: [SmtpError] },
      );

      await f.executor.delay(f.name);

      expect(f.recorder.eventsOf('task_retry').map((e) => e.error.name)).toEqual(['SmtpTimeoutError']);
    });

    it('never retries an error the executor calls unrecoverable, even with [Error]', async () => {
      const f = fixture(
        () => {
          throw new UnrecoverableError('account closed');
        },
        { maxRetries: 3, autoretryFor: [Error] },
      );
      const request = { id: 'u1', name: f.name, args: [], headers: {}, queue: 'default', retries: 0, publishedAt: Date.now() };

      const outcome = await traceAttempt(f.task, request, { isUnrecoverable: (error) => error instanceof UnrecoverableError });

      expect(outcome).toMatchObject({ state: 'FAILURE', error: { name: 'UnrecoverableError', message: 'account closed' } });
      expect(f.recorder.eventsOf('task_failure').map((e) => e.attempts)).toEqual([1]);
      expect(f.recorder.eventsOf('task_retry')).toEqual([]);
    });

    it('retries the same error when the executor does not call it unrecoverable', async () => {
      const f = fixture(
        () => {
          throw new UnrecoverableError('account closed');
        },
        { maxRetries: 1, autoretryFor: [Error] },
      );

      await f.executor.delay(f.name);

      expect(f.steps).toEqual([...PUBLISH, ...RETRY_ATTEMPT, ...FAILURE_ATTEMPT]);
    });

    it('delays follow the exponential backoff, capped by maxDelayMs', async () => {
      const f = fixture(
        () => {
          throw new SmtpError('down');
        },
        { maxRetries: 4, autoretryFor: [SmtpError], retryBackoff: { type: 'exponential', delayMs: 100, maxDelayMs: 300 } },
      );

      await f.executor.delay(f.name);

      expect(f.recorder.eventsOf('task_retry').map((e) => e.delayMs)).toEqual([100, 200, 300, 300]);
      expect(f.recorder.eventsOf('task_failure').map((e) => e.attempts)).toEqual([5]);
    });
  });
});
