// Argument parsers: arguments arrive as `unknown` and are parsed once, at the edge, into typed
// values. Every failure is an INVALID_ARGUMENT naming the field (a dotted path) and what is expected.
import { invalidArgument } from '../protocol/errors';
import { parseMoney, type Money } from '../protocol/units';
import { ID_PATTERN } from '../protocol/wire-formats';

/** A parsed JSON object whose keys have been checked against an allow-list. */
export type Fields = Readonly<Record<string, unknown>>;

const ID_HINT = '1-36 characters of A-Z a-z 0-9 . _ -';

/** The argument object of a transaction: a plain JSON object (or its JSON text) with known keys only. */
export function parseArgs(raw: unknown, allowed: readonly string[]): Fields {
  let value = raw;
  if (raw === undefined || raw === null) value = {};
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      throw invalidArgument('arguments must be a JSON object', { field: 'args' });
    }
  }
  return object(value, 'args', allowed);
}

/** A plain object with only the allowed keys (unknown keys are refused, never ignored). */
export function object(value: unknown, path: string, allowed: readonly string[]): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument(`${path} must be a JSON object`, { field: path });
  }
  const fields = value as Fields;
  for (const key of Object.keys(fields)) {
    if (!allowed.includes(key)) {
      throw invalidArgument(
        `${path} has an unknown field '${key.slice(0, 40)}'; allowed: ${allowed.join(', ') || 'none'}`,
        {
          field: `${path}.${key.slice(0, 40)}`,
        },
      );
    }
  }
  return fields;
}

export interface StringRules {
  readonly min?: number;
  readonly max: number;
  readonly pattern?: RegExp;
  /** Says in words what the pattern allows. */
  readonly hint?: string;
}

export function string(value: unknown, path: string, rules: StringRules): string {
  const min = rules.min ?? 1;
  if (typeof value !== 'string') throw invalidArgument(`${path} must be a string`, { field: path });
  if (value.length < min || value.length > rules.max) {
    throw invalidArgument(`${path} must be ${min}-${rules.max} characters long`, { field: path });
  }
  if (rules.pattern && !rules.pattern.test(value)) {
    throw invalidArgument(`${path} must be ${rules.hint ?? `of the form ${rules.pattern.source}`}`, {
      field: path,
    });
  }
  return value;
}

export function optionalString(value: unknown, path: string, rules: StringRules): string | undefined {
  return value === undefined ? undefined : string(value, path, rules);
}

/** A client-chosen id. */
export function id(value: unknown, path: string): string {
  return string(value, path, { max: 36, pattern: ID_PATTERN, hint: ID_HINT });
}

export interface IntRules {
  readonly min: number;
  readonly max: number;
}

/** A safe integer within bounds (JSON number, or decimal string for callers that send strings). */
export function integer(value: unknown, path: string, rules: IntRules): number {
  let n: number | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) n = value;
  if (typeof value === 'string' && /^-?(0|[1-9][0-9]{0,15})$/.test(value)) n = Number(value);
  if (n === undefined || !Number.isSafeInteger(n)) {
    throw invalidArgument(`${path} must be an integer`, { field: path });
  }
  if (n < rules.min || n > rules.max) {
    throw invalidArgument(`${path} must be between ${rules.min} and ${rules.max}`, { field: path });
  }
  return n;
}

export function optionalInteger(value: unknown, path: string, rules: IntRules): number | undefined {
  return value === undefined ? undefined : integer(value, path, rules);
}

export function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgument(`${path} must be true or false`, { field: path });
  return value;
}

export function oneOf<T extends string>(value: unknown, path: string, values: readonly T[]): T {
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    throw invalidArgument(`${path} must be one of ${values.join(', ')}`, { field: path });
  }
  return value as T;
}

export interface ArrayRules {
  readonly min?: number;
  readonly max: number;
}

export function array(value: unknown, path: string, rules: ArrayRules): readonly unknown[] {
  const min = rules.min ?? 0;
  if (!Array.isArray(value)) throw invalidArgument(`${path} must be an array`, { field: path });
  const items = value as readonly unknown[];
  if (items.length < min || items.length > rules.max) {
    throw invalidArgument(`${path} must have ${min}-${rules.max} entries`, { field: path });
  }
  return items;
}

/** Non-negative minor units as a decimal string, optionally bounded. */
export function money(
  value: unknown,
  path: string,
  rules: { readonly min?: Money; readonly max?: Money } = {},
): Money {
  if (typeof value === 'bigint') throw invalidArgument(`${path} must be a decimal string`, { field: path });
  const amount = parseMoney(value, path);
  if (rules.min !== undefined && amount < rules.min) {
    throw invalidArgument(`${path} must be at least ${rules.min.toString()} minor units`, { field: path });
  }
  if (rules.max !== undefined && amount > rules.max) {
    throw invalidArgument(`${path} must be at most ${rules.max.toString()} minor units`, { field: path });
  }
  return amount;
}

export function optionalMoney(
  value: unknown,
  path: string,
  rules: { readonly min?: Money; readonly max?: Money } = {},
): Money | undefined {
  return value === undefined ? undefined : money(value, path, rules);
}

/** Prints epoch milliseconds as an RFC 3339 UTC timestamp (deterministic: no wall clock). */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Local wall-clock time `HH:MM` (OCPI `start_time`, opening hours), as minutes after midnight. */
export function hourMinute(value: unknown, path: string): number {
  const text = string(value, path, {
    min: 5,
    max: 5,
    pattern: /^([01][0-9]|2[0-3]):[0-5][0-9]$/,
    hint: 'a time HH:MM (00:00-23:59)',
  });
  return Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
}

export function formatHourMinute(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
