import { defineSignal, findSignal, type Receiver, type SignalResponse } from '../../src/signals';
import { SignalAlreadyDefinedError } from '../../src/errors';
import { captureLogger } from './capture-logger';

interface Ping {
  value: string;
}

let counter = 0;
/** A fresh signal per test: names are unique in the process. */
const freshSignal = () => defineSignal<Ping>(`ping_${++counter}`);

function valuesOf(responses: readonly SignalResponse<Ping>[]): unknown[] {
  return responses.map((r) => ('error' in r ? r.error : r.value));
}

describe('Signal dispatch (ported from Celery t/unit/utils/test_dispatcher.py)', () => {
  let log: ReturnType<typeof captureLogger>;
  beforeEach(() => {
    log = captureLogger();
  });
  afterEach(() => log.restore());

  it('test_exact: a receiver connected for a sender runs for that sender', async () => {
    const signal = freshSignal();
    const receiver: Receiver<Ping> = (event) => event.value;
    signal.connect(receiver, { sender: 'a' });
    const responses = await signal.send('a', { value: 'test' });
    expect(responses).toEqual([{ receiver, value: 'test' }]);
    expect(signal.disconnect(receiver, { sender: 'a' })).toBe(true);
    expect(signal.hasListeners()).toBe(false);
  });

  it('test_ignored_sender: a receiver connected without sender runs for any sender', async () => {
    const signal = freshSignal();
    const receiver: Receiver<Ping> = (event) => event.value;
    signal.connect(receiver);
    expect(valuesOf(await signal.send('a', { value: 'x' }))).toEqual(['x']);
    expect(valuesOf(await signal.send('b', { value: 'y' }))).toEqual(['y']);
    signal.disconnect(receiver);
    expect(signal.hasListeners()).toBe(false);
  });

  it('a sender-filtered receiver runs only for its sender', async () => {
    const signal = freshSignal();
    const seen: string[] = [];
    signal.connect((e) => void seen.push(`only-a:${e.sender}`), { sender: 'a' });
    signal.connect((e) => void seen.push(`all:${e.sender}`));
    await signal.send('a', { value: '1' });
    await signal.send('b', { value: '2' });
    expect(seen).toEqual(['only-a:a', 'all:a', 'all:b']);
    expect(signal.hasListeners('a')).toBe(true);
  });

  it('sender filtering is string equality', async () => {
    const signal = freshSignal();
    const seen: string[] = [];
    signal.connect(() => void seen.push('x'), { sender: 'emails.send' });
    await signal.send('emails.sen', { value: '' });
    await signal.send('EMAILS.SEND', { value: '' });
    expect(seen).toEqual([]);
    expect(signal.hasListeners('emails.sen')).toBe(false);
  });

  it('test_multiple_registration: the same receiver connected six times runs once', async () => {
    const signal = freshSignal();
    let calls = 0;
    const receiver = () => ++calls;
    for (let i = 0; i < 6; i++) signal.connect(receiver);
    expect(await signal.send('s', { value: '' })).toHaveLength(1);
    expect(calls).toBe(1);
    expect(signal.disconnect(receiver)).toBe(true);
    expect(signal.hasListeners()).toBe(false);
  });

  it('the same receiver for two senders is two connections', async () => {
    const signal = freshSignal();
    const seen: string[] = [];
    const receiver: Receiver<Ping> = (e) => void seen.push(e.sender);
    signal.connect(receiver, { sender: 'a' });
    signal.connect(receiver, { sender: 'b' });
    await signal.send('a', { value: '' });
    await signal.send('b', { value: '' });
    expect(seen).toEqual(['a', 'b']);
    expect(signal.disconnect(receiver, { sender: 'a' })).toBe(true);
    expect(signal.hasListeners('a')).toBe(false);
    expect(signal.hasListeners('b')).toBe(true);
  });

  it('test_uid_registration: two receivers with one dispatchUid leave the first', async () => {
    const signal = freshSignal();
    const first = () => 'first';
    const second = () => 'second';
    signal.connect(first, { dispatchUid: 'uid' });
    signal.connect(second, { dispatchUid: 'uid' });
    expect(valuesOf(await signal.send('s', { value: '' }))).toEqual(['first']);
    expect(signal.disconnect({ dispatchUid: 'uid' })).toBe(true);
    expect(signal.hasListeners()).toBe(false);
  });

  it('disconnect by receiver returns true, then false', () => {
    const signal = freshSignal();
    const receiver = () => undefined;
    signal.connect(receiver);
    expect(signal.disconnect(receiver)).toBe(true);
    expect(signal.disconnect(receiver)).toBe(false);
  });

  it('disconnect by dispatchUid returns true, then false, whatever the sender it was connected for', () => {
    const signal = freshSignal();
    signal.connect(() => undefined, { sender: 'checkout', dispatchUid: 'audit' });
    expect(signal.disconnect({ dispatchUid: 'other' })).toBe(false);
    expect(signal.disconnect({ dispatchUid: 'audit' })).toBe(true);
    expect(signal.disconnect({ dispatchUid: 'audit' })).toBe(false);
  });

  it('the function returned by connect removes that connection only', async () => {
    const signal = freshSignal();
    const off = signal.connect(() => 'a');
    signal.connect(() => 'b');
    expect(off()).toBe(true);
    expect(off()).toBe(false);
    expect(valuesOf(await signal.send('s', { value: '' }))).toEqual(['b']);
  });

  it('test_disconnection: after disconnecting everything hasListeners() is false', async () => {
    const signal = freshSignal();
    const r1 = () => 1;
    const r2 = () => 2;
    const r3 = () => 3;
    signal.connect(r1);
    signal.connect(r2);
    signal.connect(r3);
    expect(valuesOf(await signal.send('s', { value: '' }))).toEqual([1, 2, 3]);
    signal.disconnect(r1);
    signal.disconnect(r3);
    expect(valuesOf(await signal.send('s', { value: '' }))).toEqual([2]);
    signal.disconnect(r2);
    expect(signal.hasListeners()).toBe(false);
    expect(await signal.send('s', { value: '' })).toEqual([]);
  });

  it('test_robust: a throwing sync receiver and a rejecting async receiver are logged, reported, and the others still run', async () => {
    const signal = freshSignal();
    const ran: string[] = [];
    function throwsSync(): never {
      throw new Error('sync boom');
    }
    async function rejectsAsync(): Promise<never> {
      await Promise.resolve();
      throw new TypeError('async boom');
    }
    signal.connect(() => void ran.push('before'));
    signal.connect(throwsSync);
    signal.connect(() => void ran.push('between'));
    signal.connect(rejectsAsync);
    signal.connect(() => void ran.push('after'));

    const responses = await signal.send('s', { value: '' });

    expect(ran).toEqual(['before', 'between', 'after']);
    expect(responses).toHaveLength(5);
    const failures = responses.filter((r): r is Extract<SignalResponse<Ping>, { error: Error }> => 'error' in r);
    expect(failures.map((f) => [f.receiver, f.error.message, f.error.name])).toEqual([
      [throwsSync, 'sync boom', 'Error'],
      [rejectsAsync, 'async boom', 'TypeError'],
    ]);
    expect(log.errors).toHaveLength(2);
    expect(log.errors[0]!.message).toContain(signal.name);
    expect(log.errors[0]!.message).toContain('throwsSync');
    expect(log.errors[0]!.stack).toContain('sync boom');
    expect(log.errors[1]!.message).toContain('rejectsAsync');
    expect(log.errors[1]!.stack).toContain('async boom');
  });

  it('a thrown non-error is reported as an Error', async () => {
    const signal = freshSignal();
    signal.connect(() => {
      throw 'plain string';
    });
    const [response] = await signal.send('s', { value: '' });
    expect(response && 'error' in response && response.error).toBeInstanceOf(Error);
    expect(log.errors).toHaveLength(1);
  });

  it('async receivers are awaited one after another, in connection order', async () => {
    const signal = freshSignal();
    const events: string[] = [];
    // "slow" takes 50 event-loop turns, "fast" one: run concurrently, "fast"
    // would start before "slow" ends and end first.
    const gated = (label: string, ticks: number) => async () => {
      events.push(`start ${label}`);
      for (let i = 0; i < ticks; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      events.push(`end ${label}`);
      return label;
    };
    signal.connect(gated('slow', 50));
    signal.connect(() => void events.push('sync'));
    signal.connect(gated('fast', 1));

    const responses = await signal.send('s', { value: '' });

    expect(events).toEqual(['start slow', 'end slow', 'sync', 'start fast', 'end fast']);
    expect(valuesOf(responses)).toEqual(['slow', undefined, 'fast']);
  });

  it('send resolves only when every receiver has settled', async () => {
    const signal = freshSignal();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let settled = false;
    signal.connect(async () => {
      await released;
      settled = true;
    });
    const sending = signal.send('s', { value: '' });
    let resolved = false;
    void sending.then(() => (resolved = true));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    release();
    await sending;
    expect(settled).toBe(true);
  });

  it('a receiver connected inside a send runs only on the next send', async () => {
    const signal = freshSignal();
    const ran: string[] = [];
    const late = () => void ran.push('late');
    signal.connect(() => {
      ran.push('first');
      signal.connect(late);
    });
    await signal.send('s', { value: '' });
    expect(ran).toEqual(['first']);
    await signal.send('s', { value: '' });
    expect(ran).toEqual(['first', 'first', 'late']);
  });

  it('a receiver connected inside an async send runs only on the next send', async () => {
    const signal = freshSignal();
    const ran: string[] = [];
    signal.connect(async () => {
      await Promise.resolve();
      ran.push('first');
      signal.connect(() => void ran.push('late'), { dispatchUid: 'late' });
    });
    await signal.send('s', { value: '' });
    expect(ran).toEqual(['first']);
    await signal.send('s', { value: '' });
    expect(ran).toEqual(['first', 'first', 'late']);
  });

  it('receivers get the payload with signal and sender', async () => {
    const signal = freshSignal();
    const events: unknown[] = [];
    signal.connect((event) => void events.push(event));
    await signal.send('checkout', { value: 'v' });
    expect(events).toEqual([{ value: 'v', signal: signal.name, sender: 'checkout' }]);
  });

  it('a send with no receivers resolves to no responses', async () => {
    expect(await freshSignal().send('s', { value: '' })).toEqual([]);
  });

  it('defineSignal of an existing name throws, for custom and built-in names', () => {
    const signal = freshSignal();
    expect(() => defineSignal(signal.name)).toThrow(SignalAlreadyDefinedError);
    expect(() => defineSignal('task_success')).toThrow(SignalAlreadyDefinedError);
    expect(() => defineSignal('task_success')).toThrow(/task_success/);
  });

  it('defineSignal refuses an empty name', () => {
    expect(() => defineSignal('')).toThrow(/non-empty/);
  });

  it('findSignal finds built-in and custom signals by name', () => {
    const signal = freshSignal();
    expect(findSignal(signal.name)).toBe(signal);
    expect(findSignal('task_prerun')?.name).toBe('task_prerun');
    expect(findSignal('nope')).toBeUndefined();
  });

  it('disconnect with neither receiver nor dispatchUid is a clear error', () => {
    const signal = freshSignal();
    expect(() => signal.disconnect({} as { dispatchUid: string })).toThrow(/dispatchUid/);
  });
});
