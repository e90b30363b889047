import { engineVariableTypes } from '@clerk-camunda-proxy/client/contract';

/** A variable as engine-rest wants it. */
export interface TypedVariable {
  value: unknown;
  type: string;
  valueInfo?: Record<string, unknown>;
}

export type TypedVariables = Record<string, TypedVariable>;

/** Raised for a value the proxy cannot type safely; rendered as 400 naming the variable. */
export class VariableError extends Error {
  override name = 'VariableError';
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`variable '${variable}': ${reason}`);
  }
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The engine's value types a client may name explicitly in `{value, type}`. */
export const knownTypes: ReadonlySet<string> = new Set<string>(engineVariableTypes);
// The engine rejects a non-string value for these: "Must provide 'null' or String value".
const serialisedTypes = new Set(['Json', 'Xml', 'Object']);
const typedKeys = new Set(['value', 'type', 'valueInfo']);

function isTyped(value: unknown): value is TypedVariable {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.includes('type') && keys.every((key) => typedKeys.has(key)) && knownTypes.has((value as { type: unknown }).type as string);
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * The engine's default date format is yyyy-MM-dd'T'HH:mm:ss.SSSZ (e.g. 2026-01-02T03:04:05.000+0000).
 * It rejects toISOString()'s trailing `Z`, and silently rolls invalid months over, so the fields are
 * checked here before converting to UTC.
 */
export function toEngineDate(input: string): string | undefined {
  const match = ISO_INSTANT.exec(input);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second = 0] = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part)));
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth || hour! > 23 || minute! > 59 || second > 59) return undefined;
  const zone = match[8] === 'Z' ? 'Z' : `${match[8]!.slice(0, 3)}:${match[8]!.slice(-2)}`;
  const fraction = (match[7] ?? '').padEnd(3, '0').slice(0, 3);
  const instant = new Date(`${match.slice(1, 4).join('-')}T${match[4]}:${match[5]}:${String(second).padStart(2, '0')}.${fraction}${zone}`);
  if (Number.isNaN(instant.getTime())) return undefined;
  return instant.toISOString().replace('Z', '+0000');
}

const UNSAFE_INTEGER = 'integer is beyond 2^53 and cannot be exact in JSON; send it as a string, or as {"type":"Long","value":"<digits>"}';

/**
 * How deeply a Json value may nest. Form data sits a few levels deep; the engine's Jackson refuses
 * documents nested beyond 1,000 levels, and a recursive walk of a 5,000-level value (10 KB of
 * brackets) overflows the stack. Deeper values are refused with 400.
 */
export const MAX_JSON_DEPTH = 100;

const TOO_DEEP = `Json value is nested deeper than ${MAX_JSON_DEPTH} levels`;

/**
 * One iterative walk of a JSON value (never recursion: its depth is the client's choice). Refuses
 * values nested beyond MAX_JSON_DEPTH and, unless the value came as text (which reaches the engine
 * as written), integers JSON.parse has already rounded (beyond 2^53), wherever they sit.
 */
function assertBoundedJson(name: string, root: unknown, checkNumbers: boolean): void {
  const pending: [value: unknown, depth: number][] = [[root, 0]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (typeof value === 'number') {
      if (checkNumbers && Number.isInteger(value) && !Number.isSafeInteger(value)) throw new VariableError(name, UNSAFE_INTEGER);
    } else if (value && typeof value === 'object') {
      if (depth >= MAX_JSON_DEPTH) throw new VariableError(name, TOO_DEEP);
      for (const nested of Object.values(value)) pending.push([nested, depth + 1]);
    }
  }
}

function jsonText(name: string, value: unknown): string {
  if (typeof value !== 'string') {
    assertBoundedJson(name, value, true);
    return JSON.stringify(value);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // The engine would store it and then fail every deserialising read of the instance's variables.
    throw new VariableError(name, 'a Json value given as a string must be valid JSON text');
  }
  assertBoundedJson(name, parsed, false);
  return value;
}

function typedFromExplicit(name: string, variable: TypedVariable): TypedVariable {
  const { type, value } = variable;
  if (type === 'Json' && value !== null) return { ...variable, value: jsonText(name, value) };
  if (serialisedTypes.has(type) && value !== null && typeof value !== 'string') {
    assertBoundedJson(name, value, false);
    return { ...variable, value: JSON.stringify(value) };
  }
  // Digits as a string keep a Long exact all the way into the engine.
  if (type === 'Long' && typeof value === 'string') {
    if (!/^-?\d{1,19}$/.test(value) || BigInt(value) > 2n ** 63n - 1n || BigInt(value) < -(2n ** 63n)) {
      throw new VariableError(name, 'a Long given as a string must be a 64-bit integer in digits');
    }
    return variable;
  }
  if (type === 'Date' && value !== null) {
    const date = typeof value === 'string' ? toEngineDate(value) : undefined;
    if (!date) throw new VariableError(name, 'a Date must be an ISO-8601 date-time with a zone, e.g. 2026-01-02T03:04:05.000Z');
    return { ...variable, value: date };
  }
  if ((type === 'Integer' || type === 'Long' || type === 'Short') && typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new VariableError(name, `${type} value is not an exact integer`);
  }
  // Forms send `Integer` for every whole number; the engine answers 400 for one beyond 32 bits.
  if (type === 'Integer' && typeof value === 'number' && (value < INT32_MIN || value > INT32_MAX)) return { ...variable, type: 'Long' };
  return variable;
}

function typedFromPlain(name: string, value: unknown): TypedVariable {
  if (value === null) return { value: null, type: 'Null' };
  switch (typeof value) {
    case 'string':
      return { value, type: 'String' };
    case 'boolean':
      return { value, type: 'Boolean' };
    case 'number':
      if (!Number.isFinite(value)) throw new VariableError(name, 'numbers must be finite');
      if (!Number.isInteger(value)) return { value, type: 'Double' };
      // JSON integers beyond 2^53 arrived rounded; storing the rounded value would be silent data loss.
      if (!Number.isSafeInteger(value)) throw new VariableError(name, UNSAFE_INTEGER);
      return { value, type: value >= INT32_MIN && value <= INT32_MAX ? 'Integer' : 'Long' };
    case 'object':
      return { value: jsonText(name, value), type: 'Json' };
    default:
      throw new VariableError(name, `unsupported value of type ${typeof value}`);
  }
}

/**
 * Plain JSON variables in, engine-typed variables out. `{value, type}` with a known engine type
 * passes through (after fixing what the engine would reject); everything else is typed by its value.
 */
export function toTypedVariables(plain: Readonly<Record<string, unknown>>): TypedVariables {
  // fromEntries, not assignment: a variable named __proto__ must stay an own key.
  return Object.fromEntries(
    Object.entries(plain).map(([name, value]) => [name, isTyped(value) ? typedFromExplicit(name, value) : typedFromPlain(name, value)]),
  );
}
