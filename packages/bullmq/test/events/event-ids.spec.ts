import { entryBefore } from '../../src/events/event-reader';
import { decodeEntry, encodeEntryHeader, encodeEvent, encodeEventValue, encodePayload, EntryCursor, HEADER_FIELD, splitEventId, type EventRecord } from '../../src/events/task-event';

const record = (seq: number): EventRecord => ({
  signal: 'task_success', type: null, sender: 't', origin: { name: 'w', hostname: 'h', pid: 1, id: 'x' }, timestamp: 1, seq, payload: { taskId: `t${seq}` },
});

const origin = { name: 'w@h:1', hostname: 'h', pid: 1, id: 'x' };

/** An entry as a process writes it: a header, then each event's signal and value. */
const entry = (seq: number, time: number, events: Array<[signal: string, sender: string, delta: number, payload: Record<string, unknown>]>): string[] => [
  HEADER_FIELD,
  encodeEntryHeader(seq, time, JSON.stringify(origin)),
  ...events.flatMap(([signal, sender, delta, payload]) => [signal, encodeEventValue(delta, sender, encodePayload(payload))]),
];

describe('event ids and stream entries', () => {
  it('reads back what a process writes: signal, type, sender, origin, time and seq of each event', () => {
    const fields = entry(7, 1_700_000_000_000, [
      ['task_success', 'billing.charge', 0, { taskId: 'a', result: 1 }],
      ['order paid', 'shop 12 x{', 3, { n: 2 }],
      ['task_failure', '', -1, { taskId: 'b', error: new TypeError('bad') }],
    ]);
    const events = decodeEntry('9-0', fields);
    expect(events.map((e) => [e.id, e.signal, e.type, e.sender, e.timestamp, e.seq])).toEqual([
      ['9-0.0', 'task_success', 'task-succeeded', 'billing.charge', 1_700_000_000_000, 7],
      ['9-0.1', 'order paid', null, 'shop 12 x{', 1_700_000_000_003, 8],
      ['9-0.2', 'task_failure', 'task-failed', '', 1_699_999_999_999, 9],
    ]);
    expect(events[0]).toMatchObject({ origin, payload: { taskId: 'a', result: 1 } });
    expect(events[2]!.payload).toEqual({ taskId: 'b', error: { name: 'TypeError', message: 'bad', stack: expect.any(String) } });
    // An entry of one event is known by the entry's id alone.
    expect(decodeEntry('9-1', entry(1, 5, [['task_success', 't', 0, {}]])).map((e) => e.id)).toEqual(['9-1']);
  });

  it('tells each event\'s signal and sender before parsing its payload, and shares one origin per process', () => {
    const cursor = new EntryCursor();
    const fields = entry(1, 10, [['a', 's1', 0, { x: 1 }], ['b', 's2', 0, { x: 2 }]]);
    fields[5] = `${fields[5]!.slice(0, -1)}{damaged`;
    expect(cursor.open(fields)).toBe(true);
    expect(cursor.count).toBe(2);
    expect(cursor.at(1)).toBe(true);
    expect([cursor.signal, cursor.sender]).toEqual(['b', 's2']);
    expect(cursor.event('1-0.1', 1)).toBeUndefined();
    expect(cursor.at(0)).toBe(true);
    const first = cursor.event('1-0.0', 0);
    expect(first?.payload).toEqual({ x: 1 });
    cursor.open(entry(3, 10, [['a', 's1', 0, {}]]));
    cursor.at(0);
    expect(cursor.event('2-0', 0)?.origin).toBe(first?.origin);
    expect(Object.isFrozen(first?.origin)).toBe(true);
  });

  it('carries the task a custom signal was sent during, between its sender and its payload', () => {
    const fields = [
      HEADER_FIELD,
      encodeEntryHeader(1, 10, JSON.stringify(origin)),
      'order_paid',
      encodeEventValue(0, 'billing', encodePayload({ orderId: 'o1' }), 'task 1@{'),
      'order_paid',
      encodeEventValue(1, 'billing', encodePayload({ orderId: 'o2' })),
    ];
    const [sentInTask, sentElsewhere] = decodeEntry('4-0', fields);
    expect(sentInTask).toMatchObject({ signal: 'order_paid', sender: 'billing', taskId: 'task 1@{', payload: { orderId: 'o1' } });
    expect(sentElsewhere).toMatchObject({ sender: 'billing', payload: { orderId: 'o2' } });
    expect(sentElsewhere).not.toHaveProperty('taskId');
    // A task id whose length runs past the value is damage, not a task.
    expect(decodeEntry('4-1', [HEADER_FIELD, encodeEntryHeader(1, 10, JSON.stringify(origin)), 'a', '0 1 s@99 t{}'])).toEqual([]);
  });

  it('still reads entries written by earlier versions (one JSON event, or a JSON array of them)', () => {
    expect(decodeEntry('5-0', ['e', encodeEvent(record(1))]).map((e) => [e.id, e.type, e.seq])).toEqual([['5-0', 'task-succeeded', 1]]);
    const batch = `[${[record(2), record(3)].map(encodeEvent).join(',')}]`;
    expect(decodeEntry('6-1', ['b', batch]).map((e) => e.id)).toEqual(['6-1.0', '6-1.1']);
    expect(splitEventId('6-1.1')).toEqual({ entry: '6-1', index: 1 });
    expect(splitEventId('6-1')).toEqual({ entry: '6-1', index: -1 });
  });

  it('skips entries that are not events, and damaged events', () => {
    expect(decodeEntry('1-0', ['other', 'x'])).toEqual([]);
    expect(decodeEntry('1-0', [HEADER_FIELD, 'x y {}', 'a', '0 1 s{}'])).toEqual([]);
    expect(decodeEntry('1-0', [HEADER_FIELD, `1 2 ${JSON.stringify(origin)}`, 'a', '0 9 s{}', 'b', '0 1 s{}']).map((e) => e.id)).toEqual(['1-0.1']);
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

  it('encodes payloads as JSON.stringify with errors summarised, whatever the payload holds', () => {
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
    const summarise = (_key: string, value: unknown) => (value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value);
    for (const payload of payloads) expect(encodePayload(payload)).toBe(JSON.stringify(payload, summarise));
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => encodePayload(circular)).toThrow(/circular/i);
  });
});
