// Byte helpers shared by the attestation code: hex in and out, equality, and a bounds-checked reader
// for the little-endian quote layout that fails with a clean ATTESTATION_FORMAT_INVALID.
import { EcarError, type ErrorCode } from '../errors';

/** Lower-case hex of the bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Decodes hex (either case, no prefix, no separators); `length` pins the decoded size when given. */
export function fromHex(text: string, what: string, errorCode: ErrorCode, length?: number): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new EcarError(errorCode, `${what} is not hex`, { field: what });
  }
  const bytes = new Uint8Array(Buffer.from(text, 'hex'));
  if (length !== undefined && bytes.length !== length) {
    throw new EcarError(errorCode, `${what} must be ${length} bytes, got ${bytes.length}`, { field: what });
  }
  return bytes;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function isAllZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

/** Reads fields in order from a byte string; every read names its field so truncation is explained. */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #what: string;
  #offset = 0;

  constructor(bytes: Uint8Array, what: string) {
    this.#bytes = bytes;
    this.#what = what;
  }

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  /** The next `length` bytes (a view, not a copy). */
  bytes(length: number, field: string): Uint8Array {
    if (length > this.remaining) {
      throw new EcarError(
        'ATTESTATION_FORMAT_INVALID',
        `${this.#what} is truncated: ${field} needs ${length} bytes at offset ${this.#offset}, ${this.remaining} left`,
        { field, offset: this.#offset },
      );
    }
    const out = this.#bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  u16(field: string): number {
    const b = this.bytes(2, field);
    return (b[0] as number) | ((b[1] as number) << 8);
  }

  u32(field: string): number {
    const b = this.bytes(4, field);
    return (
      ((b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16)) + (b[3] as number) * 0x1000000
    );
  }

  /** The rest of the input. */
  rest(): Uint8Array {
    return this.bytes(this.remaining, 'rest');
  }
}

/** Little-endian u16 at a fixed offset of a fixed-size structure (the caller checked the size). */
export function u16At(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] as number) | ((bytes[offset + 1] as number) << 8);
}
