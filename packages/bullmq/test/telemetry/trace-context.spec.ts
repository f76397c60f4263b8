import { formatTraceParent, parseTraceParent } from '../../src/telemetry/trace-context';

describe('W3C traceparent in task headers', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const spanId = '00f067aa0ba902b7';

  it('writes version 00 with the sampled flag in two hex digits', () => {
    expect(formatTraceParent({ traceId, spanId, traceFlags: 1 })).toBe(`00-${traceId}-${spanId}-01`);
    expect(formatTraceParent({ traceId, spanId, traceFlags: 0 })).toBe(`00-${traceId}-${spanId}-00`);
  });

  it('reads back what it writes', () => {
    expect(parseTraceParent(formatTraceParent({ traceId, spanId, traceFlags: 1 }))).toEqual({ traceId, spanId, traceFlags: 1 });
  });

  it('accepts upper case and later versions with extra fields', () => {
    expect(parseTraceParent(`00-${traceId.toUpperCase()}-${spanId}-01`)).toEqual({ traceId, spanId, traceFlags: 1 });
    expect(parseTraceParent(`01-${traceId}-${spanId}-01-extra`)).toEqual({ traceId, spanId, traceFlags: 1 });
  });

  it.each([
    ['a missing header', undefined],
    ['a number', 42],
    ['garbage', 'not a traceparent'],
    ['the forbidden version ff', `ff-${traceId}-${spanId}-01`],
    ['version 00 with an extra field', `00-${traceId}-${spanId}-01-extra`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${spanId}-01`],
    ['an all-zero span id', `00-${traceId}-${'0'.repeat(16)}-01`],
    ['a short trace id', `00-${traceId.slice(1)}-${spanId}-01`],
  ])('ignores %s', (_what, header) => {
    expect(parseTraceParent(header)).toBeUndefined();
  });
});
