import { TaskContext } from '../../src/context/task-context';
import { ReceiverTimeoutError } from '../../src/errors';
import { beforeTaskPublish, taskInternalError, taskPrerun } from '../../src/signals/builtins';
import { defineSignal } from '../../src/signals/define-signal';
import { setReceiverTimeout } from '../../src/signals/receiver-watchdog';
import { useEagerFixtures } from '../support/eager-fixture';
import { PUBLISH } from '../support/trace-recorder';
import { deferred } from '../support/deferred';
import { captureLogger } from './capture-logger';

const never = () => new Promise<never>(() => undefined);

describe('receiver deadline', () => {
  const fixture = useEagerFixtures();
  const offs: (() => boolean)[] = [];
  let previous: number;
  let logs: ReturnType<typeof captureLogger>;
  beforeEach(() => {
    previous = setReceiverTimeout(50);
    logs = captureLogger();
  });
  afterEach(() => {
    offs.splice(0).forEach((off) => off());
    logs.restore();
    setReceiverTimeout(previous);
  });

  it('a receiver that never settles gets a ReceiverTimeoutError response, is logged by name, and the next receiver still runs', async () => {
    const signal = defineSignal<{ n: number }>(`deadline_${Date.now()}`);
    const ran: string[] = [];
    offs.push(signal.connect(async function stuck() {
      ran.push('stuck');
      return never();
    }));
    offs.push(signal.connect(() => void ran.push('next')));

    const responses = await signal.send('test', { n: 1 });

    expect(ran).toEqual(['stuck', 'next']);
    expect(responses[0]).toMatchObject({ error: expect.any(ReceiverTimeoutError) });
    expect((responses[0] as { error: Error }).error).toMatchObject({ receiverName: 'stuck', timeoutMs: 50 });
    expect(responses[1]).toMatchObject({ value: undefined });
    expect(logs.errors.map((e) => e.message)).toEqual([expect.stringMatching(new RegExp(`^Receiver stuck of signal ${signal.name} did not settle within 50 ms`))]);
  });

  it('a receiver that settles in time is answered as usual', async () => {
    const signal = defineSignal<{ n: number }>(`deadline_ok_${Date.now()}`);
    offs.push(signal.connect(async (event) => event.n * 2));
    expect(await signal.send('test', { n: 21 })).toMatchObject([{ value: 42 }]);
    expect(logs.errors).toEqual([]);
  });

  it('sends in flight together each keep their own deadline: the stuck one times out, the others settle, and later sends are watched again', async () => {
    const signal = defineSignal<{ n: number }>(`deadline_many_${Date.now()}`);
    const slow = deferred<string>();
    offs.push(signal.connect(async function byNumber(event) {
      if (event.n === 1) return never();
      if (event.n === 2) return slow.promise;
      return event.n;
    }));

    const stuck = signal.send('test', { n: 1 });
    const late = signal.send('test', { n: 2 });
    const quick = await signal.send('test', { n: 3 });
    expect(quick).toMatchObject([{ value: 3 }]);
    slow.resolve('late but in time');
    expect(await late).toMatchObject([{ value: 'late but in time' }]);
    expect(await stuck).toMatchObject([{ error: expect.any(ReceiverTimeoutError) }]);
    expect(await signal.send('test', { n: 1 })).toMatchObject([{ error: expect.any(ReceiverTimeoutError) }]);
  });

  it('a receiver that settles after its deadline is not taken for the one after it', async () => {
    const signal = defineSignal<{ n: number }>(`deadline_late_${Date.now()}`);
    const late = deferred<string>();
    const second = deferred<string>();
    const secondStarted = deferred<void>();
    offs.push(signal.connect(async function tooLate() {
      return late.promise;
    }));
    offs.push(signal.connect(async function inTime() {
      secondStarted.resolve();
      return second.promise;
    }));

    const sent = signal.send('test', { n: 1 });
    await secondStarted.promise;
    late.resolve('after its deadline');
    await late.promise;
    second.resolve('in time');
    const responses = await sent;
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatchObject({ error: expect.any(ReceiverTimeoutError) });
    expect(responses[1]).toMatchObject({ value: 'in time' });
  });

  it('sendWithin gives each receiver the deadline of the call', async () => {
    const signal = defineSignal<object>(`deadline_within_${Date.now()}`);
    setReceiverTimeout(60_000);
    offs.push(signal.connect(never));
    const responses = await signal.sendWithin('test', {}, 20);
    expect((responses[0] as { error: Error }).error).toMatchObject({ timeoutMs: 20 });
  });

  it('a stuck task_prerun receiver and a stuck hook do not change the outcome of a task (eager)', async () => {
    const f = fixture(() => 'done', {}, (steps) => ({
      onSuccess: () => {
        steps.push('onSuccess');
        return never();
      },
    }));
    offs.push(taskPrerun.connect(never, { sender: f.name }));
    const internal: Error[] = [];
    offs.push(taskInternalError.connect((event) => void internal.push(event.error), { sender: f.name }));

    const result = await f.executor.delay(f.name);

    expect(await result.get()).toBe('done');
    expect(f.steps).toEqual([...PUBLISH, 'task_received', 'task_prerun', 'body', 'onSuccess', 'task_internal_error', 'task_success', 'task_postrun(SUCCESS)']);
    expect(internal).toEqual([expect.any(ReceiverTimeoutError)]);
  });

  it('a stuck before_task_publish receiver does not hang delay(), nor a stuck beforeStart the task', async () => {
    const seen: string[] = [];
    const f = fixture(() => (seen.push(TaskContext.current().id), 'ran'), {}, () => ({ beforeStart: never }));
    offs.push(beforeTaskPublish.connect(never, { sender: f.name }));

    const result = await f.executor.delay(f.name);

    expect(await result.get()).toBe('ran');
    expect(seen).toEqual([result.id]);
  });
});
