// Small typed readers for JSON that arrives as `unknown` (collateral, TCB info, QE identity, policy):
// each read names the JSON path in its error, so a bad file says exactly which field is wrong.
import { EcarError, type ErrorCode } from '../errors';
import { fromHex } from './bytes';

export type JsonObject = Readonly<Record<string, unknown>>;

/** Reads fields of one JSON object; `path` is its location for messages ("tcb_info.tcbLevels[2]"). */
export class JsonReader {
  readonly #value: JsonObject;
  readonly path: string;
  readonly #code: ErrorCode;
  readonly #fail: (code: ErrorCode, message: string, field: string) => Error;

  constructor(
    value: unknown,
    path: string,
    code: ErrorCode,
    fail: (code: ErrorCode, message: string, field: string) => Error = defaultFail,
  ) {
    this.path = path;
    this.#code = code;
    this.#fail = fail;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw fail(code, `${path} must be a JSON object`, path);
    }
    this.#value = value as JsonObject;
  }

  /** Parses JSON text into a reader of its top-level object. */
  static parse(
    text: string,
    path: string,
    code: ErrorCode,
    fail: (code: ErrorCode, message: string, field: string) => Error = defaultFail,
  ): JsonReader {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw fail(
        code,
        `${path} is not valid JSON (${error instanceof Error ? error.message : 'parse error'})`,
        path,
      );
    }
    return new JsonReader(value, path, code, fail);
  }

  has(key: string): boolean {
    return this.#value[key] !== undefined;
  }

  keys(): string[] {
    return Object.keys(this.#value);
  }

  fail(key: string, why: string): Error {
    const field = this.field(key);
    return this.#fail(this.#code, `${field} ${why}`, field);
  }

  field(key: string): string {
    return `${this.path}.${key}`;
  }

  raw(key: string): unknown {
    return this.#value[key];
  }

  string(key: string): string {
    const value = this.#value[key];
    if (typeof value !== 'string') throw this.fail(key, 'must be a string');
    return value;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  boolean(key: string): boolean {
    const value = this.#value[key];
    if (typeof value !== 'boolean') throw this.fail(key, 'must be true or false');
    return value;
  }

  integer(key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.#value[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw this.fail(key, `must be an integer in ${min}..${max}`);
    }
    return value;
  }

  hex(key: string, length?: number): Uint8Array {
    const text = this.string(key);
    try {
      return fromHex(text, this.field(key), this.#code, length);
    } catch (error) {
      throw this.fail(
        key,
        error instanceof EcarError ? error.reason.replace(`${this.field(key)} `, '') : 'is not hex',
      );
    }
  }

  /** An ISO 8601 UTC timestamp ("2025-06-19T10:56:11Z") as whole seconds since the epoch. */
  time(key: string): number {
    const seconds = parseIsoSeconds(this.string(key));
    if (seconds === undefined) throw this.fail(key, 'must be an ISO 8601 UTC time like 2025-06-19T10:56:11Z');
    return seconds;
  }

  array(key: string): unknown[] {
    const value = this.#value[key];
    if (!Array.isArray(value)) throw this.fail(key, 'must be an array');
    return value;
  }

  optionalArray(key: string): unknown[] {
    return this.has(key) ? this.array(key) : [];
  }

  object(key: string): JsonReader {
    return new JsonReader(this.#value[key], this.field(key), this.#code, this.#fail);
  }

  /** Readers for each element of an array of objects. */
  objects(key: string): JsonReader[] {
    return this.array(key).map(
      (item, i) => new JsonReader(item, `${this.field(key)}[${i}]`, this.#code, this.#fail),
    );
  }

  strings(key: string): string[] {
    return this.array(key).map((item, i) => {
      if (typeof item !== 'string')
        throw this.#fail(this.#code, `${this.field(key)}[${i}] must be a string`, this.field(key));
      return item;
    });
  }
}

/** Whole seconds of a strict ISO 8601 UTC time (optional fraction, "Z" or "+00:00"), else undefined. */
export function parseIsoSeconds(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) return undefined;
  const millis = Date.parse(text);
  if (Number.isNaN(millis)) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return Math.floor(millis / 1000);
}

/** ISO 8601 text of whole epoch seconds. */
export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function defaultFail(code: ErrorCode, message: string, field: string): Error {
  return new EcarError(code, message, { field });
}
