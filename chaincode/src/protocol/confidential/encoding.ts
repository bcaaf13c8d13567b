// Byte/text helpers of the confidential protocol: base64 on the wire, strict decoding, padding of
// plaintexts to size buckets so ciphertext lengths reveal little.
import { EcarError, type ErrorCode } from '../errors';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const utf8 = (text: string): Uint8Array => encoder.encode(text);
export const fromUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);
export const toB64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
/** Lower-case hex: one definition for the protocol code. */
export { toHex } from '../attestation/bytes';

/** Decodes canonical base64 of an expected length (any length when omitted). */
export function fromB64(value: unknown, what: string, code: ErrorCode, length?: number): Uint8Array {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    throw new EcarError(code, `${what} must be base64`);
  }
  const bytes = new Uint8Array(Buffer.from(value, 'base64'));
  if (length !== undefined && bytes.length !== length) {
    throw new EcarError(code, `${what} must be ${length} bytes`);
  }
  return bytes;
}

export function fromHex(value: unknown, what: string, code: ErrorCode, length?: number): Uint8Array {
  if (typeof value !== 'string' || !/^([0-9a-f]{2})*$/.test(value)) {
    throw new EcarError(code, `${what} must be lowercase hex`);
  }
  const bytes = new Uint8Array(Buffer.from(value, 'hex'));
  if (length !== undefined && bytes.length !== length)
    throw new EcarError(code, `${what} must be ${length} bytes`);
  return bytes;
}

/** Plaintext sizes are rounded up to one of these, so a ciphertext tells only its bucket. */
export const PAD_BUCKETS = [256, 1024, 4096, 16384, 65536, 262144, 1048576] as const;

/** 4-byte big-endian length, the data, zero bytes up to the bucket. */
export function pad(data: Uint8Array): Uint8Array {
  const needed = data.length + 4;
  const bucket = PAD_BUCKETS.find((b) => b >= needed);
  if (bucket === undefined) throw new EcarError('INVALID_ARGUMENT', 'message too large to seal (over 1 MiB)');
  const out = new Uint8Array(bucket);
  new DataView(out.buffer).setUint32(0, data.length);
  out.set(data, 4);
  return out;
}

export function unpad(padded: Uint8Array, code: ErrorCode): Uint8Array {
  if (padded.length < 4) throw new EcarError(code, 'padded message too short');
  const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0);
  if (length > padded.length - 4) throw new EcarError(code, 'padded message length is out of range');
  return padded.subarray(4, 4 + length);
}

/** Parses JSON text into a plain object, or throws the given code. */
export function parseJsonObject(text: string, what: string, code: ErrorCode): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EcarError(code, `${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EcarError(code, `${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Parses JSON text into a list of at most `maxItems` entries, or throws the given code. */
export function parseJsonList(text: string, what: string, code: ErrorCode, maxItems: number): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EcarError(code, `${what} must be a JSON list`);
  }
  if (!Array.isArray(value) || value.length > maxItems) {
    throw new EcarError(code, `${what} must be a JSON list of at most ${maxItems} entries`);
  }
  return value as unknown[];
}
