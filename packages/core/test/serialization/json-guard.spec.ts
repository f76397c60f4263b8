import { SerializationError } from '../../src/errors';
import { assertJson, assertJsonArgs, MAX_JSON_DEPTH } from '../../src/serialization/json-guard';
import { thrownBy } from '../support/rejection';

class Money {
  constructor(readonly cents: number) {}
}

class Tags extends Array<string> {}

function cyclic(): object {
  const node: { name: string; self?: object } = { name: 'loop' };
  node.self = node;
  return node;
}

function refusal(args: readonly unknown[]): SerializationError {
  const error = thrownBy(() => assertJsonArgs(args));
  if (!(error instanceof SerializationError)) throw new Error(`Expected a SerializationError, got ${error.name}`);
  return error;
}

describe('JSON guard', () => {
  describe('refuses what JSON can not carry faithfully, naming the path', () => {
    const cases: [string, unknown[], string, string][] = [
      ['a function', [() => 1], 'args[0]', 'a function is not JSON'],
      ['a symbol', [1, Symbol('s')], 'args[1]', 'a symbol is not JSON'],
      ['a BigInt', [BigInt(10)], 'args[0]', 'a BigInt is not JSON'],
      ['a cycle', [cyclic()], 'args[0].self', 'refers back to itself (a cycle)'],
      ['a Date', [new Date(0)], 'args[0]', 'a Date instance is not JSON; send date.toISOString()'],
      ['a Map', [new Map()], 'args[0]', 'a Map instance is not JSON; send an array or a plain object'],
      ['a Set', [new Set([1])], 'args[0]', 'a Set instance is not JSON'],
      ['a custom class instance', [new Money(5)], 'args[0]', 'a Money instance is not JSON; send a plain object'],
      ['an Array subclass', [Tags.from(['a'])], 'args[0]', 'a Tags instance is not JSON'],
      ['NaN', [Number.NaN], 'args[0]', 'NaN is not JSON'],
      ['Infinity', [{ ratio: Number.POSITIVE_INFINITY }], 'args[0].ratio', 'Infinity is not JSON'],
      ['-Infinity', [[Number.NEGATIVE_INFINITY]], 'args[0][0]', '-Infinity is not JSON'],
      ['undefined as an argument', [undefined], 'args[0]', 'undefined is not JSON'],
      ['undefined in an array', [[1, undefined]], 'args[0][1]', 'undefined is not JSON'],
      // eslint-disable-next-line no-sparse-arrays
      ['a hole in a sparse array', [[1, , 3]], 'args[0][1]', 'a hole in a sparse array is not JSON'],
      ['symbol keys', [{ [Symbol('k')]: 1 }], 'args[0]', 'an object with symbol keys is not JSON'],
      ['a nested value', ['x', { user: { tags: [() => 1] } }], 'args[1].user.tags[0]', 'a function'],
      ['a key that is not an identifier', [{ 'a-b': BigInt(1) }], 'args[0]["a-b"]', 'a BigInt'],
      ['a key with quotes', [{ 'say "hi"': Symbol('x') }], 'args[0]["say \\"hi\\""]', 'a symbol'],
      ['a numeric key', [{ 1: () => 1 }], 'args[0]["1"]', 'a function'],
      ['an identifier key with $ and _', [{ $_id9: new Date(0) }], 'args[0].$_id9', 'a Date'],
    ];

    it.each(cases)('%s', (_label, args, path, reason) => {
      const error = refusal(args);

      expect(error.path).toBe(path);
      expect(error.message).toContain(`Cannot send ${path}: `);
      expect(error.reason).toContain(reason);
    });
  });

  it('names the first bad value in argument order', () => {
    expect(refusal([{ ok: 1 }, { bad: BigInt(1) }, () => 1]).path).toBe('args[1].bad');
  });

  it('refuses arguments that are not an array', () => {
    expect(refusal('one, two' as unknown as unknown[])).toMatchObject({ path: 'args', reason: 'arguments must be an array, got string' });
  });

  it('refuses a bad value under the path it was given', () => {
    const error = thrownBy(() => assertJson({ when: new Date(0) }, 'result'));

    expect(error).toMatchObject({ name: 'SerializationError', path: 'result.when' });
  });

  describe('accepts plain data', () => {
    const accepted: [string, unknown][] = [
      ['scalars and null', ['s', 0, -1.5, true, false, null]],
      ['nested plain data', { user: { id: 1, tags: ['a', 'b'], address: { city: 'Oslo', lines: [] } } }],
      ['a null-prototype object', Object.assign(Object.create(null) as object, { a: 1, b: { c: [null] } })],
      ['undefined object properties', { a: 1, skip: undefined, nested: { also: undefined } }],
      ['the same object twice without a cycle', (() => {
        const shared = { x: 1 };
        return { left: shared, right: [shared, shared] };
      })()],
      ['empty containers', [[], {}]],
    ];

    it.each(accepted)('%s', (_label, value) => {
      expect(() => assertJson(value, 'value')).not.toThrow();
      expect(() => assertJsonArgs([value])).not.toThrow();
    });
  });

  it('accepts what reads back equal after a JSON round trip', () => {
    const value = { a: [1, 'two', { three: [null, true] }], b: { 'x-y': -0.5 } };

    assertJson(value, 'value');

    expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  });

  it('refuses an array with a named property, which JSON would drop', () => {
    const list = Object.assign([1, 2], { note: 'lost' });
    const error = refusal([list]);
    expect(error.path).toBe('args[0]');
    expect(error.reason).toMatch(/named properties \("note"\)/);
  });

  it('refuses nesting past the depth limit with a SerializationError naming it, without overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const error = refusal([deep]);
    expect(error.reason).toMatch(new RegExp(`more than ${MAX_JSON_DEPTH} levels deep`));
  });

  it('accepts nesting up to the limit', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) deep = { child: deep };
    expect(() => assertJson(deep, 'value')).not.toThrow();
  });

  it('accepts -0, which arrives as 0 (documented)', () => {
    expect(() => assertJson(-0, 'value')).not.toThrow();
    expect(Object.is(JSON.parse(JSON.stringify(-0)), 0)).toBe(true);
  });
});
