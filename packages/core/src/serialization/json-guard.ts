import { SerializationError } from '../errors';
import type { JsonValue } from './json-value';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Deepest nesting accepted: far beyond real data, well short of overflowing the stack on encode or decode. */
export const MAX_JSON_DEPTH = 1000;

/**
 * Checks that `value` survives a JSON round trip unchanged, and throws a
 * {@link SerializationError} naming the first path where it would not.
 * `undefined` object properties are allowed: they read back as `undefined`.
 * `-0` is allowed and arrives as `0`, as in every JSON encoder. Nesting deeper
 * than {@link MAX_JSON_DEPTH} levels is refused.
 */
export function assertJson(value: unknown, path: string): asserts value is JsonValue {
  check(value, path, []);
}

/** Checks every element of a list of arguments, naming each `args[i]…`. */
export function assertJsonArgs(args: readonly unknown[]): asserts args is readonly JsonValue[] {
  if (!Array.isArray(args)) {
    throw new SerializationError('args', `arguments must be an array, got ${describeKind(args)}`);
  }
  for (let i = 0; i < args.length; i++) {
    const arg: unknown = args[i];
    // The usual primitive arguments without building a path for each.
    if (typeof arg === 'string' || typeof arg === 'boolean' || arg === null || (typeof arg === 'number' && Number.isFinite(arg))) continue;
    check(arg, `args[${i}]`, []);
  }
}

function check(value: unknown, path: string, ancestors: object[]): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new SerializationError(path, `${value} is not JSON (it would arrive as null); send a finite number or null`);
      return;
    case 'undefined':
      throw new SerializationError(path, 'undefined is not JSON (it would arrive as null or vanish); send null or leave the value out');
    case 'function':
      throw new SerializationError(path, 'a function is not JSON; send the data it needs and look the function up in the task');
    case 'symbol':
      throw new SerializationError(path, 'a symbol is not JSON; send a string instead');
    case 'bigint':
      throw new SerializationError(path, 'a BigInt is not JSON; send it as a string (value.toString()) and parse it in the task');
    case 'object':
      break;
  }
  if (value === null) return;
  const object = value as object;
  if (ancestors.length >= MAX_JSON_DEPTH) {
    throw new SerializationError(path, `the value is nested more than ${MAX_JSON_DEPTH} levels deep, the limit; send flatter data`);
  }
  if (ancestors.includes(object)) {
    throw new SerializationError(path, 'the value refers back to itself (a cycle), which JSON can not carry; send a tree of plain data');
  }
  ancestors.push(object);
  if (Array.isArray(object)) {
    if (Object.getPrototypeOf(object) !== Array.prototype) throw classInstance(path, object);
    const named = Object.keys(object).length - object.length;
    if (named > 0) {
      const first = Object.keys(object).find((key) => !/^\d+$/.test(key));
      throw new SerializationError(path, `an array with named properties (${JSON.stringify(first)}) is not JSON: they would be dropped; send an object, or keep them out of the array`);
    }
    for (let i = 0; i < object.length; i++) {
      if (!(i in object)) throw new SerializationError(`${path}[${i}]`, 'a hole in a sparse array is not JSON; fill it with null');
      check(object[i], `${path}[${i}]`, ancestors);
    }
  } else {
    const prototype: unknown = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) throw classInstance(path, object);
    if (Object.getOwnPropertySymbols(object).length > 0) {
      throw new SerializationError(path, 'an object with symbol keys is not JSON; use string keys');
    }
    for (const [key, child] of Object.entries(object)) {
      if (child === undefined) continue;
      check(child, IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, ancestors);
    }
  }
  ancestors.pop();
}

function classInstance(path: string, object: object): SerializationError {
  const name = (object.constructor as { name?: string } | undefined)?.name || 'class';
  const hint =
    object instanceof Date
      ? 'send date.toISOString() and parse it in the task'
      : object instanceof Map || object instanceof Set
        ? 'send an array or a plain object'
        : 'send a plain object with the fields the task needs';
  return new SerializationError(path, `a ${name} instance is not JSON; ${hint}`);
}

function describeKind(value: unknown): string {
  return value === null ? 'null' : typeof value;
}
