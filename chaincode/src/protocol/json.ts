// JSON on the wire and in state: the value types, sorted-key serialisation for everything written,
// and bigint-safe results. Shared by chaincode and client (one home for the wire's JSON).
import { EcarError } from './errors';

/** A JSON value as written to state: no bigint, no undefined, no functions. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/** Serialises with object keys sorted at every level, so every endorser writes identical bytes. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new EcarError('INTERNAL', 'a non-finite number cannot be written to state');
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${(value as readonly JsonValue[]).map((item) => canonicalJson(item)).join(',')}]`;
  }
  const object = value as JsonObject;
  const keys = Object.keys(object).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key] ?? null)}`).join(',')}}`;
}

/**
 * Converts a domain value to JSON: bigint becomes its decimal string, undefined fields are dropped.
 * Used both for state records and for transaction results (decimal strings on the wire). Anything
 * else that is not JSON (functions, symbols, non-finite numbers) is a programming error.
 */
export function toJson(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case 'bigint':
      return value.toString(10);
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value))
        throw new EcarError('INTERNAL', 'a non-finite number cannot be serialised');
      return value;
    case 'object': {
      if (Array.isArray(value)) return (value as readonly unknown[]).map((item) => toJson(item));
      const out: Record<string, JsonValue> = {};
      for (const [key, item] of Object.entries(value as Readonly<Record<string, unknown>>)) {
        if (item !== undefined) out[key] = toJson(item);
      }
      return out;
    }
    default:
      throw new EcarError('INTERNAL', `a ${typeof value} cannot be serialised`);
  }
}

/** `toJson` for values known to be objects (records, results). */
export function toJsonObject(value: object): JsonObject {
  return toJson(value) as JsonObject;
}

/**
 * The JSON form of a domain value as `toJson` writes it: bigint becomes its decimal string,
 * undefined fields are dropped (an optional field stays optional), everything else keeps its type.
 */
export type Jsonified<T> = T extends bigint
  ? string
  : T extends string | number | boolean | null
    ? T
    : T extends readonly (infer Item)[]
      ? Jsonified<Item>[]
      : T extends object
        ? { readonly [K in keyof T]: Jsonified<T[K]> }
        : never;
