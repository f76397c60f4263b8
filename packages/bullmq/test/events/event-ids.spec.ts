import { entryBefore } from '../../src/events/event-reader';
import { decodeEntry, encodeEvent, encodeEventWith, splitEventId, type EventRecord } from '../../src/events/task-event';

const record = (seq: number): EventRecord => ({
  signal: 'task_success', type: null, sender: 't', origin: { name: 'w', hostname: 'h', pid: 1, id: 'x' }, timestamp: 1, seq, payload: { taskId: `t${seq}` },
});

describe('event ids and stream entries', () => {
  it('gives an entry of one event the entry id, and each event of a batch the entry id and its index', () => {
    expect(decodeEntry('5-0', ['e', encodeEvent(record(1))]).map((e) => [e.id, e.type, e.seq])).toEqual([['5-0', 'task-succeeded', 1]]);
    const batch = `[${[record(2), record(3)].map(encodeEvent).join(',')}]`;
    expect(decodeEntry('6-1', ['b', batch]).map((e) => e.id)).toEqual(['6-1.0', '6-1.1']);
    expect(splitEventId('6-1.1')).toEqual({ entry: '6-1', index: 1 });
    expect(splitEventId('6-1')).toEqual({ entry: '6-1', index: -1 });
  });

  it('skips entries that are not events, and damaged events', () => {
    expect(decodeEntry('1-0', ['other', 'x'])).toEqual([]);
    expect(decodeEntry('1-0', ['e', '{not json'])).toEqual([]);
    expect(decodeEntry('1-0', ['b', `[${encodeEvent(record(1))},{"signal":3}]`]).map((e) => e.id)).toEqual(['1-0.0']);
  });

  it('finds the stream id just before an entry, to read that entry again', () => {
    expect(entryBefore('1700000000000-3')).toBe('1700000000000-2');
    expect(entryBefore('1700000000000-0')).toBe('1699999999999-18446744073709551615');
  });

  it('summarises errors nested where a payload keeps unknowns', () => {
    const error = new TypeError('bad');
    const [event] = decodeEntry('2-0', ['e', encodeEvent({ ...record(1), signal: 'task_postrun', payload: { retval: error } })]);
    expect(event!.payload).toEqual({ retval: { name: 'TypeError', message: 'bad', stack: error.stack } });
  });

  it('writes the same JSON through the sender\'s encoding as through encodeEvent, whatever the payload holds', () => {
    const origin = { name: 'w@h:1', hostname: 'h', pid: 1, id: 'x' };
    const fromToJson = new Error('from toJSON');
    const deep: Record<string, unknown> = {};
    let level = deep;
    for (let i = 0; i < 40; i++) level = (level.next = {}) as Record<string, unknown>;
    level.error = new RangeError('deep');
    const payloads: Record<string, unknown>[] = [
      { taskId: 't1', args: [1, 'two', { three: [3] }], result: null, runtimeMs: 0.5 },
      { taskId: 't2', args: [], retval: { nested: [new TypeError('inside')] }, state: 'FAILURE' },
      { taskId: 't3', when: new Date(5), custom: { toJSON: () => ({ as: fromToJson }) }, left: undefined },
      { chain: deep },
      { text: 'quotes " and \\ and \u2028', n: -0, big: 1e300 },
    ];
    for (const [i, payload] of payloads.entries()) {
      const record: EventRecord = { signal: 'order "paid"', type: null, sender: 'billing\n', origin, timestamp: 1700000000000 + i, seq: i + 1, payload };
      expect(encodeEventWith(origin, JSON.stringify(origin), record.signal, record.sender, record.timestamp, record.seq, payload)).toBe(encodeEvent(record));
    }
    // The task a custom signal was sent from travels beside the payload, both ways alike.
    const sentInTask: EventRecord = { signal: 'order_paid', type: null, sender: 'billing', origin, timestamp: 1, seq: 9, payload: { orderId: 'o1' }, taskId: 'task-1' };
    for (const payload of [{ orderId: 'o1' }, { orderId: 'o1', at: new Date(5) }]) {
      expect(encodeEventWith(origin, JSON.stringify(origin), 'order_paid', 'billing', 1, 9, payload, 'task-1')).toBe(encodeEvent({ ...sentInTask, payload }));
    }
    expect(decodeEntry('3-0', ['e', encodeEvent(sentInTask)])[0]).toMatchObject({ signal: 'order_paid', taskId: 'task-1', payload: { orderId: 'o1' } });
    expect(decodeEntry('3-0', ['e', encodeEvent(record(1))])[0]).not.toHaveProperty('taskId');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => encodeEventWith(origin, JSON.stringify(origin), 's', 'x', 1, 1, circular)).toThrow(/circular/i);
  });
});
