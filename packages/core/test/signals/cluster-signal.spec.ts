import { SerializationError } from '../../src/errors';
import { defineSignal, type EventOrigin, type RemoteSignalEventOf } from '../../src/signals';
import { onClusterInterestChange } from '../../src/signals/cluster-hub';
import { localClusterInterests } from '../../src/signals/define-signal';
import { toRemotePayload } from '../../src/signals/remote-event';
import { captureLogger } from './capture-logger';

interface Paid {
  orderId: string;
  total: number;
}

let counter = 0;
const fresh = (scope: 'process' | 'cluster') => defineSignal<Paid>(`paid_${scope}_${++counter}`, { scope });
const origin: EventOrigin = { name: 'w1', hostname: 'h', pid: 1, id: 'abc' };
const remote = (sender: string, payload: Paid, name: string): RemoteSignalEventOf<Paid> => ({ ...payload, signal: name, sender, origin, timestamp: 1 });

describe('Signals of cluster scope (the in-process side)', () => {
  let log: ReturnType<typeof captureLogger>;
  beforeEach(() => (log = captureLogger()));
  afterEach(() => log.restore());

  it('refuses a payload JSON can not carry, naming the path, and runs no receiver', async () => {
    const signal = fresh('cluster');
    const heard: unknown[] = [];
    const off = signal.connect((event) => heard.push(event));
    const bad = { orderId: 'o1', total: 1, when: new Date(0) } as Paid;
    const sent = signal.send('billing', bad);
    await expect(sent).rejects.toBeInstanceOf(SerializationError);
    await expect(sent).rejects.toMatchObject({ path: 'payload.when' });
    expect(heard).toEqual([]);
    off();
  });

  it('does not check payloads of process-scoped signals', async () => {
    const signal = fresh('process');
    signal.connect(() => undefined);
    await expect(signal.send('billing', { orderId: 'o1', total: 1, when: new Date(0) } as Paid)).resolves.toHaveLength(1);
  });

  it('runs receivers connected with scope cluster only for events read from Redis', async () => {
    const signal = fresh('process');
    const heard: string[] = [];
    signal.connect((event) => void heard.push(`remote ${event.sender}`), { scope: 'cluster', sender: 'billing' });
    expect(await signal.send('billing', { orderId: 'o1', total: 1 })).toEqual([]);
    await signal.deliverRemote(remote('billing', { orderId: 'o1', total: 1 }, signal.name), false);
    await signal.deliverRemote(remote('other', { orderId: 'o2', total: 1 }, signal.name), false);
    expect(heard).toEqual(['remote billing']);
  });

  it('hands a cluster signal of another process to every receiver, and one of this process to cluster receivers only', async () => {
    const signal = fresh('cluster');
    const heard: string[] = [];
    signal.connect((event) => void heard.push(`local ${event.orderId}`));
    signal.connect((event) => void heard.push(`cluster ${event.orderId}`), { scope: 'cluster' });
    await signal.deliverRemote(remote('billing', { orderId: 'elsewhere', total: 1 }, signal.name), false);
    await signal.deliverRemote(remote('billing', { orderId: 'here', total: 1 }, signal.name), true);
    expect(heard).toEqual(['cluster elsewhere', 'local elsewhere', 'cluster here']);
  });

  it('logs a receiver that throws and still runs the others', async () => {
    const signal = fresh('process');
    const heard: string[] = [];
    signal.connect(function broken() { throw new Error('boom'); }, { scope: 'cluster' });
    signal.connect(() => void heard.push('after'), { scope: 'cluster' });
    await expect(signal.deliverRemote(remote('billing', { orderId: 'o1', total: 1 }, signal.name), false)).resolves.toBeUndefined();
    expect(heard).toEqual(['after']);
    expect(log.errors.map((e) => e.message).join('\n')).toMatch(/Receiver broken of signal .* failed: boom/);
  });

  it('reports what this process wants to hear, and tells the bridge when it changes', () => {
    const processSignal = fresh('process');
    const clusterSignal = fresh('cluster');
    let changes = 0;
    const stop = onClusterInterestChange(() => changes++);
    const offA = processSignal.connect(() => undefined);
    expect(changes).toBe(0);
    const offB = processSignal.connect(() => undefined, { scope: 'cluster', sender: 'billing.charge' });
    const offC = clusterSignal.connect(() => undefined);
    expect(changes).toBe(2);
    const mine = localClusterInterests().filter((i) => i.signal === processSignal.name || i.signal === clusterSignal.name);
    expect(mine).toEqual([{ signal: processSignal.name, sender: 'billing.charge' }, { signal: clusterSignal.name }]);
    offA();
    offB();
    offC();
    expect(changes).toBe(4);
    stop();
  });

  it('turns a payload into what travels: no context or request, errors summarised under their class name', () => {
    class CardDeclined extends Error {}
    const error = new CardDeclined('declined');
    const travelled = toRemotePayload({ taskId: 't1', context: {}, request: {}, error, retval: 1 });
    expect(travelled).toEqual({ taskId: 't1', error: { name: 'CardDeclined', message: 'declined', stack: error.stack }, retval: 1 });
  });
});
