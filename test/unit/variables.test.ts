import { MAX_JSON_DEPTH, toEngineDate, toTypedVariables, VariableError, type TypedVariable } from '../../src/engine/variables.js';

/** Types one variable called `v` and returns what the engine would get for it. */
const typeOne = (value: unknown): TypedVariable => {
  const typed = toTypedVariables({ v: value });
  expect(Object.keys(typed)).toEqual(['v']);
  return typed['v']!;
};

/** The VariableError thrown for `{ [name]: value }`, or a failure if nothing was thrown. */
const rejectionOf = (value: unknown, name = 'v'): VariableError => {
  try {
    toTypedVariables({ [name]: value });
  } catch (error) {
    expect(error).toBeInstanceOf(VariableError);
    return error as VariableError;
  }
  throw new Error(`expected ${String(value)} to be rejected, but it was typed`);
};

describe('toTypedVariables: plain JSON values are typed by their value', () => {
  it.each<[string, unknown, string]>([
    ['a string', 'hello', 'String'],
    ['an empty string', '', 'String'],
    ['a numeric string (no guessing from text)', '42', 'String'],
    ['the string "true"', 'true', 'String'],
    ['true', true, 'Boolean'],
    ['false', false, 'Boolean'],
    ['zero', 0, 'Integer'],
    ['a small integer', 42, 'Integer'],
    ['a negative integer', -7, 'Integer'],
    ['-2^31, the smallest int32', -(2 ** 31), 'Integer'],
    ['2^31-1, the largest int32', 2 ** 31 - 1, 'Integer'],
    ['2^31, one above int32', 2 ** 31, 'Long'],
    ['-2^31-1, one below int32', -(2 ** 31) - 1, 'Long'],
    ['3e9', 3e9, 'Long'],
    ['2^53-1, the largest safe integer', 2 ** 53 - 1, 'Long'],
    ['-(2^53-1), the smallest safe integer', -(2 ** 53 - 1), 'Long'],
    ['a fraction', 1.5, 'Double'],
    ['a negative fraction', -0.25, 'Double'],
    ['a tiny fraction', 5e-324, 'Double'],
  ])('types %s as %s and keeps the value', (_label, value, type) => {
    expect(typeOne(value)).toEqual({ value, type });
  });

  it('types an integer above 2^31-1 as Long', () => {
    expect(typeOne(2147483648).type).toBe('Long');
  });

  it('types null as Null', () => {
    expect(typeOne(null)).toEqual({ value: null, type: 'Null' });
  });

  it.each<[string, unknown]>([
    ['an object', { a: 1, b: 'two' }],
    ['an empty object', {}],
    ['an array', [1, 'two', null, true]],
    ['an empty array', []],
    ['a nested object', { customer: { name: 'Ada', tags: ['vip'], address: { city: 'Berlin', zip: null } }, total: 12.5 }],
    ['an array of objects', [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }]],
  ])('types %s as Json whose value is the JSON text of the input', (_label, value) => {
    const typed = typeOne(value);
    expect(typed.type).toBe('Json');
    expect(typeof typed.value).toBe('string');
    expect(JSON.parse(typed.value as string)).toEqual(value);
  });

  it('types every variable of the map independently and keeps the names', () => {
    const typed = toTypedVariables({ name: 'Ada', days: 3, big: 5e9, ratio: 0.5, ok: true, none: null, order: { id: 1 } });
    expect(Object.keys(typed).sort()).toEqual(['big', 'days', 'name', 'none', 'ok', 'order', 'ratio']);
    expect(typed['name']).toEqual({ value: 'Ada', type: 'String' });
    expect(typed['days']).toEqual({ value: 3, type: 'Integer' });
    expect(typed['big']).toEqual({ value: 5e9, type: 'Long' });
    expect(typed['ratio']).toEqual({ value: 0.5, type: 'Double' });
    expect(typed['ok']).toEqual({ value: true, type: 'Boolean' });
    expect(typed['none']).toEqual({ value: null, type: 'Null' });
    expect(typed['order']).toEqual({ value: '{"id":1}', type: 'Json' });
  });

  it('returns an empty map for no variables', () => {
    expect(toTypedVariables({})).toEqual({});
  });

  it.each<[string, string]>([
    ['an ISO instant', '2026-01-02T03:04:05.000Z'],
    ['an engine-format date', '2026-01-02T03:04:05.000+0000'],
    ['a calendar date', '2026-01-02'],
  ])('leaves %s without a type as a String', (_label, value) => {
    expect(typeOne(value)).toEqual({ value, type: 'String' });
  });

  it('keeps a variable named __proto__ (JSON.parse makes it an own key) instead of silently dropping it', () => {
    const plain = JSON.parse('{"__proto__": "x", "other": 1}') as Record<string, unknown>;
    let typed: Record<string, TypedVariable> | undefined;
    try {
      typed = toTypedVariables(plain);
    } catch (error) {
      // Refusing the name outright is acceptable too, as long as the client hears about it.
      expect(error).toBeInstanceOf(VariableError);
      expect((error as VariableError).variable).toBe('__proto__');
      return;
    }
    expect(Object.keys(typed)).toContain('__proto__');
    expect(Object.getOwnPropertyDescriptor(typed, '__proto__')?.value).toEqual({ value: 'x', type: 'String' });
    expect(JSON.parse(JSON.stringify(typed))).toHaveProperty(['__proto__']);
  });
});

describe('toTypedVariables: values the engine cannot hold exactly are rejected', () => {
  it.each<[string, number]>([
    ['2^53', 2 ** 53],
    ['-(2^53)', -(2 ** 53)],
    ['1e20', 1e20],
    ['9007199254740993 as JSON.parse reads it', (JSON.parse('{"n": 9007199254740993}') as { n: number }).n],
  ])('rejects the integer %s (beyond 2^53) naming the variable', (_label, value) => {
    const error = rejectionOf(value, 'orderNumber');
    expect(error.variable).toBe('orderNumber');
    expect(error.message).toContain("'orderNumber'");
  });

  it.each<[string, number]>([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('rejects %s naming the variable', (_label, value) => {
    const error = rejectionOf(value, 'ratio');
    expect(error.variable).toBe('ratio');
    expect(error.message).toContain("'ratio'");
  });

  it('rejects the whole map when one of its variables cannot be typed', () => {
    expect(() => toTypedVariables({ fine: 'x', broken: 2 ** 53 })).toThrow(VariableError);
  });
});

describe('toTypedVariables: explicitly typed {value, type} variables', () => {
  it.each<[string, TypedVariable]>([
    ['String', { value: '123', type: 'String' }],
    ['Long with a number', { value: 5, type: 'Long' }],
    ['Long with a large safe number', { value: 2 ** 53 - 1, type: 'Long' }],
    ['Long with a string beyond 2^53 (the way to send such a number exactly)', { value: '9007199254740993', type: 'Long' }],
    ['Integer', { value: 7, type: 'Integer' }],
    ['Short', { value: 7, type: 'Short' }],
    ['Double with an integral number', { value: 3, type: 'Double' }],
    ['Boolean', { value: false, type: 'Boolean' }],
    ['Null', { value: null, type: 'Null' }],
    ['Json with JSON text', { value: '{"a":1}', type: 'Json' }],
    ['Json with null', { value: null, type: 'Json' }],
    ['Xml with text', { value: '<a/>', type: 'Xml' }],
    ['Date with null', { value: null, type: 'Date' }],
    ['String with valueInfo', { value: 'x', type: 'String', valueInfo: { transient: true } }],
    [
      'Object with valueInfo',
      { value: '{"a":1}', type: 'Object', valueInfo: { objectTypeName: 'java.util.HashMap', serializationDataFormat: 'application/json' } },
    ],
  ])('passes %s through unchanged', (_label, variable) => {
    const input = structuredClone(variable);
    expect(typeOne(input)).toEqual(variable);
  });

  it('stringifies the object value of a Json variable, which the engine would refuse', () => {
    const typed = typeOne({ type: 'Json', value: { a: 1, b: [true] } });
    expect(typed).toEqual({ type: 'Json', value: '{"a":1,"b":[true]}' });
  });

  it('stringifies the object value of a Json variable and keeps its valueInfo', () => {
    const typed = typeOne({ type: 'Json', value: [1, 2], valueInfo: { transient: true } });
    expect(typed).toEqual({ type: 'Json', value: '[1,2]', valueInfo: { transient: true } });
  });

  it.each<[string, number, string]>([
    ['3000000000, as a form sends every whole number', 3_000_000_000, 'Long'],
    ['2^31, one above the int32 range', 2 ** 31, 'Long'],
    ['-(2^31)-1, one below it', -(2 ** 31) - 1, 'Long'],
    ['2^31-1, the largest int32', 2 ** 31 - 1, 'Integer'],
    ['-(2^31), the smallest int32', -(2 ** 31), 'Integer'],
  ])('sends an explicit Integer of %s as %s', (_label, value, type) => {
    expect(typeOne({ type: 'Integer', value })).toEqual({ type, value });
  });

  it('leaves a Json variable whose value is already JSON text alone', () => {
    expect(typeOne({ type: 'Json', value: '{"a":1}' })).toEqual({ type: 'Json', value: '{"a":1}' });
  });

  it('treats an object with keys beyond value/type/valueInfo as plain data (Json)', () => {
    const input = { type: 'String', value: 'x', label: 'not a typed variable' };
    const typed = typeOne(input);
    expect(typed.type).toBe('Json');
    expect(JSON.parse(typed.value as string)).toEqual(input);
  });

  it.each<[string, Record<string, unknown>]>([
    ['premium', { type: 'premium', value: 3 }],
    ['lower-case string', { type: 'string', value: 'x' }],
    ['a non-string type', { type: 5, value: 'x' }],
  ])('treats an unknown type (%s) as plain data (Json)', (_label, input) => {
    const typed = typeOne(input);
    expect(typed.type).toBe('Json');
    expect(JSON.parse(typed.value as string)).toEqual(input);
  });

  it.each<[string, number]>([
    ['Long', 2 ** 53],
    ['Integer', Number.NaN],
    ['Short', 1.5],
  ])('rejects an explicit %s whose number is not an exact integer', (type, value) => {
    expect(rejectionOf({ type, value }, 'amount').variable).toBe('amount');
  });
});

describe('toTypedVariables: Date variables', () => {
  it.each<[string, string, string]>([
    ['an ISO instant with Z', '2026-01-02T03:04:05.000Z', '2026-01-02T03:04:05.000+0000'],
    ['an ISO instant without millis', '2026-01-02T03:04:05Z', '2026-01-02T03:04:05.000+0000'],
    ['an ISO instant without seconds', '2026-01-02T03:04Z', '2026-01-02T03:04:00.000+0000'],
    ['a positive offset', '2026-01-02T05:04:05+02:00', '2026-01-02T03:04:05.000+0000'],
    ['a negative offset crossing midnight', '2026-01-01T22:04:05.123-05:00', '2026-01-02T03:04:05.123+0000'],
    ['an offset crossing a year', '2026-01-01T00:30:00+01:00', '2025-12-31T23:30:00.000+0000'],
    ['the engine format itself', '2026-01-02T03:04:05.000+0000', '2026-01-02T03:04:05.000+0000'],
    ['a compact offset', '2026-01-02T04:04:05.000+0100', '2026-01-02T03:04:05.000+0000'],
    ['microseconds (truncated to millis)', '2026-01-02T03:04:05.123456Z', '2026-01-02T03:04:05.123+0000'],
    ['Feb 29 of a leap year', '2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000+0000'],
    ['the last second of a day', '2026-12-31T23:59:59.999Z', '2026-12-31T23:59:59.999+0000'],
  ])('turns %s into the engine format in UTC', (_label, input, expected) => {
    expect(typeOne({ type: 'Date', value: input })).toEqual({ type: 'Date', value: expected });
  });

  it('keeps valueInfo of a Date', () => {
    expect(typeOne({ type: 'Date', value: '2026-01-02T03:04:05Z', valueInfo: { transient: true } })).toEqual({
      type: 'Date',
      value: '2026-01-02T03:04:05.000+0000',
      valueInfo: { transient: true },
    });
  });

  it.each<[string, unknown]>([
    ['no zone', '2026-01-02T03:04:05.000'],
    ['a calendar date only', '2026-01-02'],
    ['month 13', '2026-13-02T03:04:05Z'],
    ['month 0', '2026-00-02T03:04:05Z'],
    ['Feb 30', '2026-02-30T03:04:05Z'],
    ['Feb 29 of a common year', '2026-02-29T03:04:05Z'],
    ['Apr 31', '2026-04-31T03:04:05Z'],
    ['day 0', '2026-01-00T03:04:05Z'],
    ['hour 24', '2026-01-02T24:00:00Z'],
    ['minute 60', '2026-01-02T03:60:05Z'],
    ['second 60', '2026-01-02T03:04:60Z'],
    ['garbage', 'next tuesday'],
    ['an empty string', ''],
    ['a space instead of T', '2026-01-02 03:04:05Z'],
    ['an epoch number', 1767323045000],
    ['a boolean', true],
    ['an object', { at: '2026-01-02T03:04:05Z' }],
  ])('rejects a Date with %s, naming the variable', (_label, value) => {
    const error = rejectionOf({ type: 'Date', value }, 'dueDate');
    expect(error.variable).toBe('dueDate');
    expect(error.message).toContain("'dueDate'");
  });
});

describe('toEngineDate', () => {
  it.each<[string, string]>([
    ['2026-01-02T03:04:05.000Z', '2026-01-02T03:04:05.000+0000'],
    ['2026-01-02T05:04:05+02:00', '2026-01-02T03:04:05.000+0000'],
    ['2026-01-02T03:04:05.000+0000', '2026-01-02T03:04:05.000+0000'],
  ])('formats %s as %s', (input, expected) => {
    expect(toEngineDate(input)).toBe(expected);
  });

  it('formats exactly like the engine pattern yyyy-MM-ddTHH:mm:ss.SSS+0000', () => {
    expect(toEngineDate('2030-06-15T10:20:30.4+03:30')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    expect(toEngineDate('2030-06-15T10:20:30.4+03:30')).toBe('2030-06-15T06:50:30.400+0000');
  });

  it.each(['2026-01-02T03:04:05', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-01-02T24:00:00Z', 'garbage', ''])(
    'returns undefined for %j',
    (input) => {
      expect(toEngineDate(input)).toBeUndefined();
    },
  );
});

describe('toTypedVariables keeps numbers exact and Json valid', () => {
  it.each([
    ['an unsafe integer nested in an object', { order: { id: 2 ** 53 } }],
    ['an unsafe integer nested in an array', { ids: [1, 2, -(2 ** 53)] }],
    ['an unsafe integer in an explicit Json value', { order: { type: 'Json', value: { id: 2 ** 60 } } }],
    ['Json text that is not JSON', { order: { type: 'Json', value: '{not json' } }],
    ['a Long string that is not digits', { total: { type: 'Long', value: '12a' } }],
    ['a Long string beyond 64 bits', { total: { type: 'Long', value: '9223372036854775808' } }],
  ])('refuses %s, naming the variable', (_what, plain) => {
    expect(() => toTypedVariables(plain)).toThrow(new RegExp(`variable '${Object.keys(plain)[0]}'`));
  });

  it('passes a Long given as digits through exactly', () => {
    expect(toTypedVariables({ total: { type: 'Long', value: '9007199254740993' } })).toEqual({ total: { type: 'Long', value: '9007199254740993' } });
  });

  it('accepts valid Json text as it is', () => {
    expect(toTypedVariables({ order: { type: 'Json', value: '{"id":1}' } })).toEqual({ order: { type: 'Json', value: '{"id":1}' } });
  });
});

describe(`toTypedVariables bounds how deeply a Json value nests (MAX_JSON_DEPTH = ${MAX_JSON_DEPTH})`, () => {
  /** `levels` arrays inside each other: [[[…]]] */
  const nestedArrays = (levels: number): unknown => {
    let value: unknown = [];
    for (let i = 1; i < levels; i += 1) value = [value];
    return value;
  };
  const nestedObjects = (levels: number): unknown => {
    let value: unknown = {};
    for (let i = 1; i < levels; i += 1) value = { a: value };
    return value;
  };

  it.each([
    ['plain arrays', nestedArrays],
    ['plain objects', nestedObjects],
    ['an explicit Json value', (levels: number) => ({ type: 'Json', value: nestedObjects(levels) })],
    ['Json text', (levels: number) => ({ type: 'Json', value: JSON.stringify(nestedArrays(levels)) })],
    ['an explicit Object value', (levels: number) => ({ type: 'Object', value: nestedObjects(levels), valueInfo: { serializationDataFormat: 'application/json' } })],
  ])('accepts %s exactly at the limit and refuses one level more, naming the variable', (_what, build) => {
    expect(() => toTypedVariables({ deep: build(MAX_JSON_DEPTH) })).not.toThrow();
    expect(() => toTypedVariables({ deep: build(MAX_JSON_DEPTH + 1) })).toThrow(`variable 'deep': Json value is nested deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it('refuses 5,000 levels with a VariableError, not a stack overflow', () => {
    expect(rejectionOf(nestedArrays(5_000)).message).toMatch(/nested deeper than/);
    expect(rejectionOf({ type: 'Json', value: '['.repeat(5_000) + ']'.repeat(5_000) }).message).toMatch(/nested deeper than/);
  });
});
