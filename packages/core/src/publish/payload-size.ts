import { PayloadTooLargeError } from '../errors';

/** UTF-8 takes at most 3 bytes per UTF-16 code unit, so shorter strings need no exact count. */
const MAX_BYTES_PER_UNIT = 3;

/** Encodes `value` as JSON, failing with {@link PayloadTooLargeError} past `limitBytes` (counted with `already`). */
export function encodeWithin(taskName: string, value: unknown, limitBytes: number, already = 0): string {
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    // V8 can not build a string this long: certainly over any limit.
    if (error instanceof RangeError) throw new PayloadTooLargeError(taskName, 2 ** 29, limitBytes);
    throw error;
  }
  const size = already + (json.length * MAX_BYTES_PER_UNIT <= limitBytes - already ? json.length : Buffer.byteLength(json));
  if (size > limitBytes) throw new PayloadTooLargeError(taskName, size, limitBytes);
  return json;
}

/** Whether JSON of at most `maxLength` characters is within `limitBytes`, however it is encoded (`maxLength` -1: unknown). */
export function withinLimit(maxLength: number, limitBytes: number): boolean {
  return maxLength >= 0 && maxLength * MAX_BYTES_PER_UNIT <= limitBytes;
}
