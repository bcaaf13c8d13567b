// A small, tolerant DER/BER reader for the structures this project verifies: X.509 certificates and
// CRLs (attestation collateral) and ECDSA signature values (OCMF meters). It never throws anything
// but EcarError, and it accepts the non-canonical encodings real devices emit (long-form lengths for
// short values, superfluous leading zero bytes in integers).
import { EcarError, type ErrorCode } from './errors';

export const DerTag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
} as const;

export interface DerNode {
  /** The full identifier octet (class, constructed bit and tag number), e.g. 0x30 for SEQUENCE. */
  readonly tag: number;
  readonly constructed: boolean;
  /** The whole encoding: identifier, length and content. */
  readonly raw: Uint8Array;
  /** The content octets only. */
  readonly content: Uint8Array;
}

/** Reads one TLV at `offset`; `errorCode` names the failure in the caller's domain. */
export function readDer(bytes: Uint8Array, offset = 0, errorCode: ErrorCode = 'INVALID_ARGUMENT'): DerNode {
  const fail = (why: string): never => {
    throw new EcarError(errorCode, `malformed DER at byte ${offset}: ${why}`);
  };
  if (offset + 2 > bytes.length) fail('truncated header');
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) fail('multi-byte tags are not supported');
  let cursor = offset + 1;
  const first = bytes[cursor++] as number;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count === 0) fail('indefinite length is not allowed');
    if (count > 4) fail('length too large');
    if (cursor + count > bytes.length) fail('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[cursor++] as number);
  }
  const end = cursor + length;
  if (end > bytes.length) fail(`content of ${length} bytes runs past the end`);
  return {
    tag,
    constructed: (tag & 0x20) !== 0,
    raw: bytes.subarray(offset, end),
    content: bytes.subarray(cursor, end),
  };
}

/** Reads exactly one TLV that must span all of `bytes`. */
export function readDerExact(bytes: Uint8Array, errorCode: ErrorCode = 'INVALID_ARGUMENT'): DerNode {
  const node = readDer(bytes, 0, errorCode);
  if (node.raw.length !== bytes.length) {
    throw new EcarError(errorCode, `malformed DER: ${bytes.length - node.raw.length} trailing bytes`);
  }
  return node;
}

/** The child TLVs of a constructed node. */
export function derChildren(node: DerNode, errorCode: ErrorCode = 'INVALID_ARGUMENT'): DerNode[] {
  if (!node.constructed) throw new EcarError(errorCode, 'malformed DER: expected a constructed value');
  const children: DerNode[] = [];
  let offset = 0;
  while (offset < node.content.length) {
    const child = readDer(node.content, offset, errorCode);
    children.push(child);
    offset += child.raw.length;
  }
  return children;
}

/** Asserts the node's tag, returning it for chaining. */
export function expectTag(
  node: DerNode | undefined,
  tag: number,
  what: string,
  errorCode: ErrorCode,
): DerNode {
  if (node?.tag !== tag) {
    throw new EcarError(errorCode, `malformed DER: expected ${what}`);
  }
  return node;
}

/** An INTEGER's content as an unsigned big integer (tolerates missing or superfluous zero padding). */
export function derUnsignedInteger(node: DerNode): bigint {
  let value = 0n;
  for (const byte of node.content) value = (value << 8n) | BigInt(byte);
  return value;
}

/** An OBJECT IDENTIFIER in dotted form. */
export function derOid(node: DerNode, errorCode: ErrorCode = 'INVALID_ARGUMENT'): string {
  const bytes = node.content;
  if (bytes.length === 0) throw new EcarError(errorCode, 'malformed DER: empty OID');
  const parts: bigint[] = [];
  let value = 0n;
  for (const byte of bytes) {
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0n;
    }
  }
  const first = parts.shift() ?? 0n;
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...parts].map((p) => p.toString()).join('.');
}

/** Writes an unsigned big integer as a fixed-width big-endian byte string. */
export function bigintToBytes(value: bigint, width: number): Uint8Array {
  const out = new Uint8Array(width);
  let v = value;
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new EcarError('INVALID_ARGUMENT', `integer does not fit in ${width} bytes`);
  return out;
}

/**
 * Decodes an ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }) into the IEEE P1363 form r||s of
 * the given field size, accepting non-canonical DER as meters produce it.
 */
export function ecdsaDerToP1363(signature: Uint8Array, fieldBytes: number, errorCode: ErrorCode): Uint8Array {
  const sequence = expectTag(
    readDerExact(signature, errorCode),
    DerTag.SEQUENCE,
    'ECDSA signature SEQUENCE',
    errorCode,
  );
  const [r, s, ...rest] = derChildren(sequence, errorCode);
  if (rest.length > 0) throw new EcarError(errorCode, 'ECDSA signature has more than two integers');
  const rValue = derUnsignedInteger(expectTag(r, DerTag.INTEGER, 'INTEGER r', errorCode));
  const sValue = derUnsignedInteger(expectTag(s, DerTag.INTEGER, 'INTEGER s', errorCode));
  try {
    const out = new Uint8Array(fieldBytes * 2);
    out.set(bigintToBytes(rValue, fieldBytes), 0);
    out.set(bigintToBytes(sValue, fieldBytes), fieldBytes);
    return out;
  } catch {
    throw new EcarError(
      errorCode,
      `ECDSA signature integers are larger than the curve's ${fieldBytes} bytes`,
    );
  }
}

/** The content of a BIT STRING with no unused bits (keys and signatures are whole octets). */
export function derBitStringBytes(node: DerNode, errorCode: ErrorCode = 'INVALID_ARGUMENT'): Uint8Array {
  if (node.tag !== DerTag.BIT_STRING || node.content.length === 0) {
    throw new EcarError(errorCode, 'malformed DER: expected a BIT STRING');
  }
  if (node.content[0] !== 0) throw new EcarError(errorCode, 'malformed DER: BIT STRING has unused bits');
  return node.content.subarray(1);
}

/** A character string (UTF8String, PrintableString, IA5String, T61String, BMPString) as text. */
export function derString(node: DerNode, errorCode: ErrorCode = 'INVALID_ARGUMENT'): string {
  switch (node.tag) {
    case DerTag.UTF8_STRING:
      return Buffer.from(node.content).toString('utf8');
    case DerTag.PRINTABLE_STRING:
    case DerTag.IA5_STRING:
    case 0x14: // T61String: treated as Latin-1, as most toolkits do
      return Buffer.from(node.content).toString('latin1');
    case 0x1e: // BMPString: UTF-16 big-endian
      return Buffer.from(node.content).swap16().toString('utf16le');
    default:
      throw new EcarError(errorCode, `malformed DER: tag 0x${node.tag.toString(16)} is not a string`);
  }
}

/**
 * A UTCTime or GeneralizedTime as whole seconds since the Unix epoch. Only the RFC 5280 forms are
 * accepted: UTC ("Z"), seconds present, no fraction. UTCTime years 50..99 are 1950..1999.
 */
export function derTime(node: DerNode, errorCode: ErrorCode = 'INVALID_ARGUMENT'): number {
  const text = Buffer.from(node.content).toString('latin1');
  let match: RegExpExecArray | null;
  let year: number;
  if (node.tag === DerTag.UTC_TIME) {
    match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    year = match ? Number(match[1]) : 0;
    year += year >= 50 ? 1900 : 2000;
  } else if (node.tag === DerTag.GENERALIZED_TIME) {
    match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    year = match ? Number(match[1]) : 0;
  } else {
    throw new EcarError(errorCode, 'malformed DER: expected UTCTime or GeneralizedTime');
  }
  if (!match) throw new EcarError(errorCode, `malformed DER: time "${text}" is not in RFC 5280 form`);
  const [month, day, hour, minute, second] = match.slice(2).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(millis);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    throw new EcarError(errorCode, `malformed DER: time "${text}" is not a valid date`);
  }
  return millis / 1000;
}
