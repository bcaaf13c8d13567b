// A strict JSON reader for OCMF sections that keeps every number as its exact source text: OCMF says a
// reading value must not be re-rounded by a JSON parser, and JSON.parse would turn 0.2596 into a float.
import { EcarError } from '../errors';

/** A JSON number kept exactly as written ("0.2596", "2935.600", "1e3"). */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** A JSON object; a Map so that keys such as "__proto__" are plain data. */
export type JsonObject = ReadonlyMap<string, JsonValue>;

export type JsonValue = null | boolean | string | JsonNumber | readonly JsonValue[] | JsonObject;

const MAX_DEPTH = 16;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/**
 * Parses `text` as one JSON value. Duplicate keys are refused (two parsers could pick different
 * values of a signed record).
 * @throws EcarError METER_FORMAT_INVALID naming `what` and the offending position.
 */
export function parseExactJson(text: string, what: string): JsonValue {
  const reader = new Reader(text, what);
  reader.skipWhitespace();
  const value = reader.value(0);
  reader.skipWhitespace();
  if (!reader.atEnd()) reader.fail('unexpected text after the JSON value');
  return value;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return value instanceof Map;
}

class Reader {
  #pos = 0;

  constructor(
    readonly text: string,
    readonly what: string,
  ) {}

  atEnd(): boolean {
    return this.#pos >= this.text.length;
  }

  fail(why: string): never {
    throw new EcarError(
      'METER_FORMAT_INVALID',
      `${this.what} is not valid JSON at character ${this.#pos}: ${why}`,
      {
        position: this.#pos,
      },
    );
  }

  skipWhitespace(): void {
    while (!this.atEnd()) {
      const c = this.text[this.#pos];
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return;
      this.#pos++;
    }
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail('nested too deeply');
    const c = this.text[this.#pos];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.#pos)) this.fail('unexpected character');
    this.#pos += word.length;
    return value;
  }

  private number(): JsonNumber {
    NUMBER.lastIndex = this.#pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail(this.atEnd() ? 'unexpected end' : 'unexpected character');
    this.#pos += match[0].length;
    return new JsonNumber(match[0]);
  }

  private string(): string {
    this.#pos++; // opening quote
    let out = '';
    for (;;) {
      if (this.atEnd()) this.fail('unterminated string');
      const code = this.text.charCodeAt(this.#pos);
      if (code === 0x22) {
        this.#pos++;
        return out;
      }
      if (code < 0x20) this.fail('control character in string');
      if (code !== 0x5c) {
        out += String.fromCharCode(code);
        this.#pos++;
        continue;
      }
      const escape = this.text[this.#pos + 1];
      this.#pos += 2;
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out += escape;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = this.text.slice(this.#pos, this.#pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.#pos += 4;
          break;
        }
        default:
          this.fail('bad escape');
      }
    }
  }

  private array(depth: number): JsonValue[] {
    this.#pos++;
    const items: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.#pos] === ']') {
      this.#pos++;
      return items;
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.value(depth + 1));
      this.skipWhitespace();
      const c = this.text[this.#pos++];
      if (c === ']') return items;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  private object(depth: number): Map<string, JsonValue> {
    this.#pos++;
    const entries = new Map<string, JsonValue>();
    this.skipWhitespace();
    if (this.text[this.#pos] === '}') {
      this.#pos++;
      return entries;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.#pos] !== '"') this.fail('expected a key');
      const key = this.string();
      if (entries.has(key)) this.fail(`duplicate key "${key}"`);
      this.skipWhitespace();
      if (this.text[this.#pos++] !== ':') this.fail("expected ':'");
      this.skipWhitespace();
      entries.set(key, this.value(depth + 1));
      this.skipWhitespace();
      const c = this.text[this.#pos++];
      if (c === '}') return entries;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }
}
